"""The load benchmark feature: metrics over per-request timings (docs/benchmark-metrics.md)."""
