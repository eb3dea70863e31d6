"""Fixtures of the download tests: the resolve-protocol server and the real Gemma file."""

from tests.fakes.hf_fixture import gemma_gguf, gemma_model, gemma_store, hf_server

__all__ = ["gemma_gguf", "gemma_model", "gemma_store", "hf_server"]
