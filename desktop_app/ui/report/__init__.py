"""Rendering a decision report: charts, HTML and PDF."""
