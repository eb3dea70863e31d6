"""Tensor layouts of the catalogue models, built from their architecture as llama.cpp names them.

The catalogue (model_arch.csv) gives layers, heads, KV heads, head dim and vocab; the few
details that decide how llama.cpp lays out and quantizes the tensors (FFN width, tied
embeddings, sliding-window layers, tensor family) are here, each from the model's
Hugging Face config.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.domain.fit.quant import TensorSpec
from desktop_app.domain.sources.catalog import ModelArch


@dataclass(frozen=True)
class ArchDetails:
    """What llama.cpp needs beyond the catalogue row to lay out one model."""

    family: str  # llama.cpp architecture: llama, qwen2, gemma2, phi3
    ffn: int  # intermediate_size
    tied_embeddings: bool
    sliding_window: int = 0  # tokens; 0 = none (as llama.cpp runs the model)
    swa_pattern: int = 0  # every n-th layer is full attention, the others sliding-window
    source: str = ""


_HF = "huggingface.co/{} config.json (intermediate_size, tie_word_embeddings)"
ARCH_DETAILS: dict[str, ArchDetails] = {
    "Llama-3.1-8B(-Instruct)": ArchDetails(
        "llama", 14336, False, source=_HF.format("meta-llama/Llama-3.1-8B")
    ),
    "Llama-3.1-70B(-Instruct)": ArchDetails(
        "llama", 28672, False, source=_HF.format("meta-llama/Llama-3.1-70B")
    ),
    "Llama-3.2-1B(-Instruct)": ArchDetails(
        "llama", 8192, True, source=_HF.format("meta-llama/Llama-3.2-1B")
    ),
    "Llama-3.2-3B(-Instruct)": ArchDetails(
        "llama", 8192, True, source=_HF.format("meta-llama/Llama-3.2-3B")
    ),
    # llama.cpp runs Mistral as "llama" without its 4096-token sliding window.
    "Mistral-7B-Instruct-v0.2": ArchDetails(
        "llama", 14336, False, source=_HF.format("mistralai/Mistral-7B-Instruct-v0.2")
    ),
    "Mistral-7B-Instruct-v0.1": ArchDetails(
        "llama", 14336, False, source=_HF.format("mistralai/Mistral-7B-Instruct-v0.1")
    ),
    "Qwen2.5-0.5B(-Instruct)": ArchDetails(
        "qwen2", 4864, True, source=_HF.format("Qwen/Qwen2.5-0.5B-Instruct")
    ),
    "Qwen2.5-1.5B(-Instruct)": ArchDetails(
        "qwen2", 8960, True, source=_HF.format("Qwen/Qwen2.5-1.5B-Instruct")
    ),
    "Qwen2.5-3B(-Instruct)": ArchDetails(
        "qwen2", 11008, True, source=_HF.format("Qwen/Qwen2.5-3B-Instruct")
    ),
    "Qwen2.5-7B(-Instruct)": ArchDetails(
        "qwen2", 18944, False, source=_HF.format("Qwen/Qwen2.5-7B-Instruct")
    ),
    "Qwen2.5-14B(-Instruct)": ArchDetails(
        "qwen2", 13824, False, source=_HF.format("Qwen/Qwen2.5-14B-Instruct")
    ),
    "Qwen2.5-32B(-Instruct)": ArchDetails(
        "qwen2", 27648, False, source=_HF.format("Qwen/Qwen2.5-32B-Instruct")
    ),
    "Qwen2.5-72B(-Instruct)": ArchDetails(
        "qwen2", 29568, False, source=_HF.format("Qwen/Qwen2.5-72B-Instruct")
    ),
    # Gemma 2: llama.cpp's interleaved SWA cache, window 4096, every 2nd layer full.
    "gemma-2-9b(-it)": ArchDetails(
        "gemma2", 14336, True, 4096, 2, source=_HF.format("google/gemma-2-9b-it")
    ),
    "gemma-2-27b(-it)": ArchDetails(
        "gemma2", 36864, True, 4096, 2, source=_HF.format("google/gemma-2-27b-it")
    ),
    # llama.cpp disables Phi-3's sliding window ("Phi SWA is currently disabled").
    "Phi-3-mini-4k-instruct": ArchDetails(
        "phi3", 8192, False, source=_HF.format("microsoft/Phi-3-mini-4k-instruct")
    ),
    "Phi-3-mini-128k-instruct": ArchDetails(
        "phi3", 8192, False, source=_HF.format("microsoft/Phi-3-mini-128k-instruct")
    ),
}
# llama.cpp's hard-coded interleaved-SWA patterns for GGUF files (set_swa_pattern).
SWA_PATTERNS = {"gemma2": 2, "gemma3": 6, "cohere2": 4}


def slug(name: str) -> str:
    """A command-line id for a catalogue model: "Llama-3.1-8B(-Instruct)" -> "llama-3.1-8b"."""
    base = re.sub(r"\(.*?\)", "", name).strip().lower()
    return re.sub(r"[^a-z0-9.]+", "-", base).strip("-")


def details_for(arch: ModelArch) -> ArchDetails:
    """The layout details of a catalogue model (a plain llama layout when not listed)."""
    found = ARCH_DETAILS.get(arch.model)
    if found is not None:
        return found
    # Unlisted: assume llama's SwiGLU with the usual 3.5x width, stated in the source.
    return ArchDetails("llama", int(arch.hidden * 3.5), False, source="assumed (not listed)")


def is_swa_layer(il: int, pattern: int) -> bool:
    """llama.cpp: with pattern n, layer il is sliding-window unless il % n == n - 1."""
    return pattern > 0 and il % pattern < pattern - 1


def catalogue_tensors(arch: ModelArch) -> list[TensorSpec]:
    """The tensors llama.cpp would find in a GGUF of this model (types not yet assigned)."""
    d = details_for(arch)
    h, q_dim, kv_dim = arch.hidden, arch.heads * arch.head_dim, arch.kv_heads * arch.head_dim
    out = [TensorSpec("token_embd.weight", (h, arch.vocab)), TensorSpec("output_norm.weight", (h,))]
    if not d.tied_embeddings:
        out.append(TensorSpec("output.weight", (h, arch.vocab)))
    for i in range(arch.layers):
        p = f"blk.{i}."
        out += [TensorSpec(p + "attn_norm.weight", (h,)), TensorSpec(p + "ffn_norm.weight", (h,))]
        if d.family == "phi3":
            out.append(TensorSpec(p + "attn_qkv.weight", (h, q_dim + 2 * kv_dim)))
            out.append(TensorSpec(p + "ffn_up.weight", (h, 2 * d.ffn)))
        else:
            out += [
                TensorSpec(p + "attn_q.weight", (h, q_dim)),
                TensorSpec(p + "attn_k.weight", (h, kv_dim)),
                TensorSpec(p + "attn_v.weight", (h, kv_dim)),
                TensorSpec(p + "ffn_gate.weight", (h, d.ffn)),
                TensorSpec(p + "ffn_up.weight", (h, d.ffn)),
            ]
        out += [
            TensorSpec(p + "attn_output.weight", (q_dim, h)),
            TensorSpec(p + "ffn_down.weight", (d.ffn, h)),
        ]
        if d.family == "qwen2":
            out += [
                TensorSpec(p + "attn_q.bias", (q_dim,)),
                TensorSpec(p + "attn_k.bias", (kv_dim,)),
                TensorSpec(p + "attn_v.bias", (kv_dim,)),
            ]
        if d.family == "gemma2":
            out += [
                TensorSpec(p + "post_attention_norm.weight", (h,)),
                TensorSpec(p + "post_ffw_norm.weight", (h,)),
            ]
    return out
