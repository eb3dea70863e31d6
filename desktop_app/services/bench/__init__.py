"""The load benchmark: prompts, the async load generator, targets, GPU readings, reports."""
