"""Blocking adapters to the outside world (files, probes, HTTP, processes); no Qt."""
