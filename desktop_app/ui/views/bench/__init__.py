"""The Benchmark view: measure any engine under concurrent load."""
