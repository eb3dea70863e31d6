"""Real GGUF files for tests and benchmarks: tiny random-weight llama and MoE models, broken ones.

The tiny model follows docs/engines.md §4 (vocabulary of unique byte/char/word tokens, F32
weights) so that a real llama-server loads it; the same seed gives the same bytes. Its
shape and `general.file_type` can be changed for the fit and quantization-name tests.
Vocabulary token strings are unique: a duplicate aborts llama-server's load (SIGABRT).

Run `python -m tests.fakes.gguf OUT.gguf` or call `write_tiny_gguf(path)`.
"""

from __future__ import annotations

import string
import sys
from collections.abc import Callable
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


def _add_vocab(
    w: gguf.GGUFWriter, tokens: list[str], scores: list[float], types: list[int]
) -> None:
    """The SPM vocabulary of _vocab() with <unk>, <s> and </s> as ids 0-2."""
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)


def _tensor_writer(w: gguf.GGUFWriter, rng: np.random.Generator) -> Callable[..., None]:
    """tensor(name, *numpy_shape, ones=False): adds an F32 tensor of small random values."""

    def tensor(name: str, *shape: int, ones: bool = False) -> None:
        if ones:
            data = np.ones(shape, dtype=np.float32)
        else:
            data = (rng.standard_normal(shape) * 0.2).astype(np.float32)
        w.add_tensor(name, data)

    return tensor


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
    _add_vocab(w, tokens, scores, types)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    if chat_template is not None:
        w.add_chat_template(chat_template)

    tensor = _tensor_writer(w, rng)

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


MOE_ARCHS = ("qwen3moe", "gpt-oss", "deepseek2")


def write_tiny_moe_gguf(
    path: Path,
    arch: str = "qwen3moe",
    seed: int = 0,
    *,
    n_embd: int = 256,
    n_layer: int = 4,
    n_head: int = 8,
    n_head_kv: int = 2,
    head_dim: int = 64,
    n_expert: int = 8,
    n_expert_used: int = 2,
    n_ff_exp: int = 128,
    sliding_window: int = 128,
    ctx: int = 16384,
) -> Path:
    """A tiny random-weight mixture-of-experts model a real llama-server loads (F32 tensors).

    `arch` is "qwen3moe" (Qwen3 MoE), "gpt-oss" (experts with biases, attention sinks and a
    `sliding_window` on every other layer) or "deepseek2" (MLA attention with a 64-rank
    compressed KV row, one leading dense block and one shared expert). Metadata keys are
    llama.cpp's (gguf.Keys.LLM / Keys.Attention).
    """
    if arch not in MOE_ARCHS:
        raise ValueError(f"arch must be one of {MOE_ARCHS}")
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tokens, scores, types = _vocab()
    n_vocab = len(tokens)
    w = gguf.GGUFWriter(str(path), arch)
    w.add_name(f"tiny-random-{arch}")
    w.add_context_length(ctx)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_head_count(n_head)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_file_type(0)
    w.add_expert_count(n_expert)
    w.add_expert_used_count(n_expert_used)
    w.add_expert_feed_forward_length(n_ff_exp)
    kv_lora, rope, nope, v_head, q_lora = 64, 32, 32, 32, 64
    if arch == "deepseek2":
        # MLA as llama.cpp converts it: K = kv_lora_rank + rope dims, one KV head, no V cache
        w.add_head_count_kv(1)
        w.add_key_length(kv_lora + rope)
        w.add_value_length(kv_lora)
        w.add_key_length_mla(nope + rope)
        w.add_value_length_mla(v_head)
        w.add_kv_lora_rank(kv_lora)
        w.add_q_lora_rank(q_lora)
        w.add_rope_dimension_count(rope)
        w.add_leading_dense_block_count(1)
        w.add_expert_shared_count(1)
        w.add_expert_weights_scale(1.0)
        w.add_expert_weights_norm(True)
        w.add_expert_gating_func(gguf.ExpertGatingFuncType.SIGMOID)
        w.add_feed_forward_length(n_ff_exp * 2)
    else:
        w.add_head_count_kv(n_head_kv)
        w.add_key_length(head_dim)
        w.add_value_length(head_dim)
        w.add_rope_dimension_count(head_dim)
        w.add_feed_forward_length(n_ff_exp)
    if arch == "gpt-oss":
        w.add_sliding_window(sliding_window)
    _add_vocab(w, tokens, scores, types)
    w.add_chat_template(CHATML)

    tensor = _tensor_writer(w, rng)

    q_dim, kv_dim = n_head * head_dim, n_head_kv * head_dim
    tensor("token_embd.weight", n_vocab, n_embd)
    tensor("output_norm.weight", n_embd, ones=True)
    tensor("output.weight", n_vocab, n_embd)
    for i in range(n_layer):
        p = f"blk.{i}."
        tensor(p + "attn_norm.weight", n_embd, ones=True)
        if arch == "deepseek2":
            tensor(p + "attn_q_a.weight", q_lora, n_embd)
            tensor(p + "attn_q_a_norm.weight", q_lora, ones=True)
            tensor(p + "attn_q_b.weight", n_head * (nope + rope), q_lora)
            tensor(p + "attn_kv_a_mqa.weight", kv_lora + rope, n_embd)
            tensor(p + "attn_kv_a_norm.weight", kv_lora, ones=True)
            tensor(p + "attn_k_b.weight", n_head, kv_lora, nope)
            tensor(p + "attn_v_b.weight", n_head, v_head, kv_lora)
            tensor(p + "attn_output.weight", n_embd, n_head * v_head)
        else:
            tensor(p + "attn_q.weight", q_dim, n_embd)
            tensor(p + "attn_k.weight", kv_dim, n_embd)
            tensor(p + "attn_v.weight", kv_dim, n_embd)
            tensor(p + "attn_output.weight", n_embd, q_dim)
        if arch == "qwen3moe":
            tensor(p + "attn_q_norm.weight", head_dim, ones=True)
            tensor(p + "attn_k_norm.weight", head_dim, ones=True)
        if arch == "gpt-oss":
            for part, n in (("q", q_dim), ("k", kv_dim), ("v", kv_dim), ("output", n_embd)):
                tensor(p + f"attn_{part}.bias", n)
            tensor(p + "attn_sinks.weight", n_head)
            tensor(p + "post_attention_norm.weight", n_embd, ones=True)
        else:
            tensor(p + "ffn_norm.weight", n_embd, ones=True)
        if arch == "deepseek2" and i == 0:  # the leading dense block
            tensor(p + "ffn_gate.weight", n_ff_exp * 2, n_embd)
            tensor(p + "ffn_up.weight", n_ff_exp * 2, n_embd)
            tensor(p + "ffn_down.weight", n_embd, n_ff_exp * 2)
            continue
        tensor(p + "ffn_gate_inp.weight", n_expert, n_embd)
        tensor(p + "ffn_gate_exps.weight", n_expert, n_ff_exp, n_embd)
        tensor(p + "ffn_up_exps.weight", n_expert, n_ff_exp, n_embd)
        tensor(p + "ffn_down_exps.weight", n_expert, n_embd, n_ff_exp)
        if arch == "gpt-oss":
            tensor(p + "ffn_gate_inp.bias", n_expert)
            tensor(p + "ffn_gate_exps.bias", n_expert, n_ff_exp)
            tensor(p + "ffn_up_exps.bias", n_expert, n_ff_exp)
            tensor(p + "ffn_down_exps.bias", n_expert, n_embd)
        if arch == "deepseek2":
            tensor(p + "exp_probs_b.bias", n_expert)
            tensor(p + "ffn_gate_shexp.weight", n_ff_exp, n_embd)
            tensor(p + "ffn_up_shexp.weight", n_ff_exp, n_embd)
            tensor(p + "ffn_down_shexp.weight", n_embd, n_ff_exp)
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
