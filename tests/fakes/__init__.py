"""Test doubles: fake NVML readings, an Ollama-protocol server."""
