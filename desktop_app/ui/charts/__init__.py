"""pyqtgraph wrappers: every chart is a ChartPanel with PNG/CSV export and copy."""
