"""Real GGUF files for tests and benchmarks: a tiny random-weight llama, and broken ones.

The tiny model follows docs/engines.md §4 (vocabulary of unique byte/char/word tokens, F32
weights) so that a real llama-server loads it; the same seed gives the same bytes. Its
shape and `general.file_type` can be changed for the fit and quantization-name tests.
Vocabulary token strings are unique: a duplicate aborts llama-server's load (SIGABRT).

Run `python -m tests.fakes.gguf OUT.gguf` or call `write_tiny_gguf(path)`.
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

import gguf
import numpy as np

N_EMBD = 64
N_LAYER = 2
N_HEAD = 4
N_HEAD_KV = 2
N_FF = 128
N_CTX = 4096

CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

_WORD_TEXT = (
    "the a of to and in is it you that he was for on are with as I his they be at one have "
    "this from or had by hot word but what some we can out other were all there when up use "
    "your how said an each she which do their time if will way about many then them write "
    "would like so these her long make thing see him two has look more day could go come did "
    "number sound no most people my over know water than call first who may down side been "
    "now find hello world model token fast slow answer capital France Paris"
)
WORDS = tuple(_WORD_TEXT.split(" "))


def _vocab() -> tuple[list[str], list[float], list[int]]:
    tokens = ["<unk>", "<s>", "</s>"]
    types = [
        gguf.TokenType.UNKNOWN,
        gguf.TokenType.CONTROL,
        gguf.TokenType.CONTROL,
    ]
    tokens += [f"<0x{i:02X}>" for i in range(256)]
    types += [gguf.TokenType.BYTE] * 256
    seen = set(tokens)
    extra: list[str] = []
    for ch in string.ascii_letters + string.digits + string.punctuation:
        extra.append(ch)
    extra.append("▁")
    for word in WORDS:
        extra.append("▁" + word)
    for tok in extra:
        if tok not in seen:  # unique strings: duplicates abort the load
            seen.add(tok)
            tokens.append(tok)
            types.append(gguf.TokenType.NORMAL)
    scores = [0.0] * 259 + [-float(i + 1) for i in range(len(tokens) - 259)]
    return tokens, scores, [int(t) for t in types]


def write_tiny_gguf(
    path: Path,
    seed: int = 0,
    *,
    n_embd: int = N_EMBD,
    n_layer: int = N_LAYER,
    n_head: int = N_HEAD,
    n_head_kv: int = N_HEAD_KV,
    n_ff: int = N_FF,
    ctx: int = N_CTX,
    file_type: int = 0,
    chat_template: str | None = CHATML,
) -> Path:
    """Write the tiny model to `path` (same bytes for the same arguments) and return the path.

    `file_type` is only the recorded `general.file_type` (the tensors stay F32);
    `chat_template=None` makes a base model.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tokens, scores, types = _vocab()
    n_vocab = len(tokens)
    head_dim = n_embd // n_head
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("tiny-random-llama")
    w.add_context_length(ctx)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head_kv)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_file_type(file_type)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    if chat_template is not None:
        w.add_chat_template(chat_template)

    def tensor(name: str, *shape: int, ones: bool = False) -> None:
        if ones:
            data = np.ones(shape, dtype=np.float32)
        else:
            data = (rng.standard_normal(shape) * 0.2).astype(np.float32)
        w.add_tensor(name, data)

    tensor("token_embd.weight", n_vocab, n_embd)
    tensor("output_norm.weight", n_embd, ones=True)
    tensor("output.weight", n_vocab, n_embd)
    for i in range(n_layer):
        tensor(f"blk.{i}.attn_norm.weight", n_embd, ones=True)
        tensor(f"blk.{i}.attn_q.weight", n_embd, n_embd)
        tensor(f"blk.{i}.attn_k.weight", n_head_kv * head_dim, n_embd)
        tensor(f"blk.{i}.attn_v.weight", n_head_kv * head_dim, n_embd)
        tensor(f"blk.{i}.attn_output.weight", n_embd, n_embd)
        tensor(f"blk.{i}.ffn_norm.weight", n_embd, ones=True)
        tensor(f"blk.{i}.ffn_gate.weight", n_ff, n_embd)
        tensor(f"blk.{i}.ffn_up.weight", n_ff, n_embd)
        tensor(f"blk.{i}.ffn_down.weight", n_embd, n_ff)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
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


if __name__ == "__main__":
    print(write_tiny_gguf(Path(sys.argv[1] if len(sys.argv) > 1 else "tiny-random-llama.gguf")))
