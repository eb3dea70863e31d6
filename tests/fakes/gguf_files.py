"""Real GGUF files for the fit tests and benchmark: a tiny random-weight llama, and broken ones.

The tiny model follows docs/engines.md §4 (vocab of unique byte/char tokens, F32 weights)
so that a real llama-server loads it; `tensor_type` lets a test write quantized-looking
tensors (the bytes are random, only the header matters to the reader).
"""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np


def _vocab() -> tuple[list[str], list[float], list[int]]:
    tokens = ["<unk>", "<s>", "</s>"]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [gguf.TokenType.BYTE] * 256
    chars = [chr(c) for c in range(0x21, 0x7F)]
    words = [f"\u2581{c}" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]
    extra = chars + words + ["\u2581"] + [f"\u2581{a}{b}" for a in "aeiou" for b in "nrstl"]
    tokens += extra
    types += [gguf.TokenType.NORMAL] * len(extra)
    scores = [0.0] * 259 + [-float(i + 1) for i in range(len(extra))]
    return tokens, scores, [int(t) for t in types]


def write_tiny_llama(
    path: Path,
    *,
    n_embd: int = 64,
    n_layer: int = 2,
    n_head: int = 4,
    n_head_kv: int = 2,
    n_ff: int = 128,
    ctx: int = 4096,
    seed: int = 0,
) -> Path:
    """Write a loadable random-weight llama GGUF (all F32) and return its path."""
    rng = np.random.default_rng(seed)
    tokens, scores, types = _vocab()
    n_vocab = len(tokens)
    head_dim = n_embd // n_head
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny-random-llama")
    writer.add_context_length(ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layer)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(0)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)

    def mat(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * 0.02).astype(np.float32)

    writer.add_tensor("token_embd.weight", mat(n_vocab, n_embd))
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    writer.add_tensor("output.weight", mat(n_vocab, n_embd))
    kv_dim = n_head_kv * head_dim
    for i in range(n_layer):
        p = f"blk.{i}."
        writer.add_tensor(p + "attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(p + "attn_q.weight", mat(n_embd, n_embd))
        writer.add_tensor(p + "attn_k.weight", mat(kv_dim, n_embd))
        writer.add_tensor(p + "attn_v.weight", mat(kv_dim, n_embd))
        writer.add_tensor(p + "attn_output.weight", mat(n_embd, n_embd))
        writer.add_tensor(p + "ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(p + "ffn_gate.weight", mat(n_ff, n_embd))
        writer.add_tensor(p + "ffn_up.weight", mat(n_ff, n_embd))
        writer.add_tensor(p + "ffn_down.weight", mat(n_embd, n_ff))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def write_truncated(source: Path, dest: Path, keep_fraction: float = 0.5) -> Path:
    """Copy the first part of a GGUF file, as an interrupted download would leave it."""
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * keep_fraction)])
    return dest


def write_random_bytes(dest: Path, size: int = 4096, seed: int = 1) -> Path:
    """A file of random bytes with a .gguf name."""
    dest.write_bytes(np.random.default_rng(seed).bytes(size))
    return dest
