"""Tensor layouts of the catalogue models, built from their architecture as llama.cpp names them.

The catalogue (model_arch.csv) gives layers, heads, KV heads, head dim and vocab; the
details that decide how llama.cpp lays out, caches and quantizes the tensors (FFN width,
tied embeddings, sliding-window layers, experts, MLA ranks, tensor family) are here, each
from the model's Hugging Face config.json (see docs/fit-and-metrics.md part A5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.domain.fit.quant import TensorSpec
from desktop_app.domain.sources.catalog import ModelArch


@dataclass(frozen=True)
class Moe:
    """Mixture-of-experts layout, named as llama.cpp's GGUF keys name it."""

    experts: int  # {arch}.expert_count
    used: int  # {arch}.expert_used_count: experts each token runs through
    expert_ffn: int  # {arch}.expert_feed_forward_length
    shared: int = 0  # {arch}.expert_shared_count: experts every token runs through
    shared_ffn: int = 0  # width of the shared expert (0: shared × expert_ffn)
    leading_dense: int = 0  # {arch}.leading_dense_block_count (DeepSeek: 3 dense blocks first)
    biases: bool = False  # gpt-oss carries biases on the router and the experts

    @property
    def active_share(self) -> float:
        """Share of the routed expert weights one token reads."""
        return self.used / self.experts


@dataclass(frozen=True)
class Mla:
    """DeepSeek's multi-head latent attention: the cache holds one compressed row per token."""

    kv_lora_rank: int  # {arch}.attention.kv_lora_rank
    q_lora_rank: int  # {arch}.attention.q_lora_rank
    rope_dim: int  # qk_rope_head_dim ({arch}.rope.dimension_count)
    nope_dim: int  # qk_nope_head_dim
    v_head_dim: int  # v_head_dim ({arch}.attention.value_length_mla)


@dataclass(frozen=True)
class ArchDetails:
    """What llama.cpp needs beyond the catalogue row to lay out one model."""

    family: str  # llama.cpp architecture (general.architecture): llama, qwen3moe, gpt-oss, ...
    ffn: int  # intermediate_size (dense FFN width)
    tied_embeddings: bool
    sliding_window: int = 0  # tokens (Llama 4: the attention chunk); 0 = none as llama.cpp runs it
    swa_pattern: int = 0  # every n-th layer is full attention, the others windowed
    moe: Moe | None = None
    mla: Mla | None = None
    source: str = ""


_CFG = "huggingface.co/{}/blob/main/config.json ({})"
_QWEN3 = "intermediate_size, head_dim 128, tie_word_embeddings"
_MOE = "; num_experts, num_experts_per_tok, moe_intermediate_size"
_OSS = (
    "num_local_experts, experts_per_token, intermediate_size 2880, sliding_window 128, "
    "layer_types sliding/full alternating, head_dim 64"
)
_GEMMA3 = "intermediate_size, head_dim, sliding_window, sliding_window_pattern 6"
_LLAMA4 = (
    "text_config: num_local_experts 16, num_experts_per_tok 1, intermediate_size 8192, "
    "attention_chunk_size 8192, interleave_moe_layer_step 1"
)
_MLA = "; kv_lora_rank 512, q_lora_rank 1536, qk_rope_head_dim 64, first_k_dense_replace 3"
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
    # ---- 2025-2026 families (docs/fit-and-metrics.md A5 lists every value and its source)
    **{
        name: ArchDetails("qwen3", ffn, tied, source=_CFG.format(repo, _QWEN3))
        for name, ffn, tied, repo in (
            ("Qwen3-1.7B", 6144, True, "Qwen/Qwen3-1.7B"),
            ("Qwen3-4B", 9728, True, "Qwen/Qwen3-4B"),
            ("Qwen3-8B", 12288, False, "Qwen/Qwen3-8B"),
            ("Qwen3-14B", 17408, False, "Qwen/Qwen3-14B"),
            ("Qwen3-32B", 25600, False, "Qwen/Qwen3-32B"),
        )
    },
    "Qwen3-30B-A3B": ArchDetails(
        "qwen3moe",
        6144,
        False,
        moe=Moe(128, 8, 768),
        source=_CFG.format("Qwen/Qwen3-30B-A3B", _QWEN3 + _MOE),
    ),
    "Qwen3-235B-A22B": ArchDetails(
        "qwen3moe",
        12288,
        False,
        moe=Moe(128, 8, 1536),
        source=_CFG.format("Qwen/Qwen3-235B-A22B", _QWEN3 + _MOE),
    ),
    # gpt-oss: every other layer (the even ones) a 128-token sliding window, as llama.cpp
    # runs it (LLM_ARCH_OPENAI_MOE: swa pattern 2); 4 of 32 or 128 experts per token.
    "gpt-oss-20b": ArchDetails(
        "gpt-oss",
        2880,
        False,
        128,
        2,
        moe=Moe(32, 4, 2880, biases=True),
        source=_CFG.format("openai/gpt-oss-20b", _OSS),
    ),
    "gpt-oss-120b": ArchDetails(
        "gpt-oss",
        2880,
        False,
        128,
        2,
        moe=Moe(128, 4, 2880, biases=True),
        source=_CFG.format("openai/gpt-oss-120b", _OSS),
    ),
    # Gemma 3: five sliding-window layers per full one (llama.cpp set_swa_pattern(6)).
    "gemma-3-1b(-it)": ArchDetails(
        "gemma3", 6912, True, 512, 6, source=_CFG.format("google/gemma-3-1b-it", _GEMMA3)
    ),
    "gemma-3-4b(-it)": ArchDetails(
        "gemma3", 10240, True, 1024, 6, source=_CFG.format("google/gemma-3-4b-it", _GEMMA3)
    ),
    "gemma-3-12b(-it)": ArchDetails(
        "gemma3", 15360, True, 1024, 6, source=_CFG.format("google/gemma-3-12b-it", _GEMMA3)
    ),
    "gemma-3-27b(-it)": ArchDetails(
        "gemma3", 21504, True, 1024, 6, source=_CFG.format("google/gemma-3-27b-it", _GEMMA3)
    ),
    "Llama-3.3-70B-Instruct": ArchDetails(
        "llama", 28672, False, source=_HF.format("meta-llama/Llama-3.3-70B-Instruct")
    ),
    # Llama 4: 8192-token attention chunks on three layers of four (llama.cpp
    # LLAMA_SWA_TYPE_CHUNKED, set_swa_pattern(4)); 16 routed experts, top-1, plus a shared one.
    "Llama-4-Scout-17B-16E(-Instruct)": ArchDetails(
        "llama4",
        16384,
        False,
        8192,
        4,
        moe=Moe(16, 1, 8192, shared=1),
        source=_CFG.format("meta-llama/Llama-4-Scout-17B-16E-Instruct", _LLAMA4),
    ),
    "Mistral-Small-3.1-24B(-Instruct-2503)": ArchDetails(
        "llama",
        32768,
        False,
        source=_HF.format("mistralai/Mistral-Small-3.1-24B-Instruct-2503"),
    ),
    "phi-4": ArchDetails("phi3", 17920, False, source=_HF.format("microsoft/phi-4")),
    "Mixtral-8x7B(-Instruct-v0.1)": ArchDetails(
        "llama",
        14336,
        False,
        moe=Moe(8, 2, 14336),
        source=_CFG.format("mistralai/Mixtral-8x7B-Instruct-v0.1", _MOE),
    ),
    "DeepSeek-R1-Distill-Llama-8B": ArchDetails(
        "llama", 14336, False, source=_HF.format("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
    ),
    "DeepSeek-R1-Distill-Qwen-14B": ArchDetails(
        "qwen2", 13824, False, source=_HF.format("deepseek-ai/DeepSeek-R1-Distill-Qwen-14B")
    ),
    "DeepSeek-R1-Distill-Qwen-32B": ArchDetails(
        "qwen2", 27648, False, source=_HF.format("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B")
    ),
    # DeepSeek V3 / R1: MLA (the cache keeps kv_lora_rank + rope dims per token, no V),
    # 3 dense blocks, then 256 routed experts (top-8) and one shared expert per block.
    "DeepSeek-V3 / R1 (671B)": ArchDetails(
        "deepseek2",
        18432,
        False,
        moe=Moe(256, 8, 2048, shared=1, leading_dense=3),
        mla=Mla(512, 1536, 64, 128, 128),
        source=_CFG.format("deepseek-ai/DeepSeek-V3", _MOE + _MLA),
    ),
}
# llama.cpp's interleaved-SWA patterns for GGUF files (set_swa_pattern per architecture).
SWA_PATTERNS = {"gemma2": 2, "gemma3": 6, "cohere2": 4, "gpt-oss": 2, "llama4": 4}
# llama.cpp hard-codes Llama 4's attention chunk (n_swa = 8192, LLAMA_SWA_TYPE_CHUNKED).
FIXED_WINDOWS = {"llama4": 8192}


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


def _attention(arch: ModelArch, d: ArchDetails, p: str) -> list[TensorSpec]:
    h, hd = arch.hidden, arch.head_dim
    q_dim, kv_dim = arch.heads * hd, arch.kv_heads * hd
    if d.mla is not None:
        m = d.mla
        return [
            TensorSpec(p + "attn_q_a.weight", (h, m.q_lora_rank)),
            TensorSpec(p + "attn_q_a_norm.weight", (m.q_lora_rank,)),
            TensorSpec(
                p + "attn_q_b.weight", (m.q_lora_rank, arch.heads * (m.nope_dim + m.rope_dim))
            ),
            TensorSpec(p + "attn_kv_a_mqa.weight", (h, m.kv_lora_rank + m.rope_dim)),
            TensorSpec(p + "attn_kv_a_norm.weight", (m.kv_lora_rank,)),
            TensorSpec(p + "attn_k_b.weight", (m.nope_dim, m.kv_lora_rank, arch.heads)),
            TensorSpec(p + "attn_v_b.weight", (m.kv_lora_rank, m.v_head_dim, arch.heads)),
            TensorSpec(p + "attn_output.weight", (arch.heads * m.v_head_dim, h)),
        ]
    if d.family == "phi3":
        out = [TensorSpec(p + "attn_qkv.weight", (h, q_dim + 2 * kv_dim))]
    else:
        out = [
            TensorSpec(p + "attn_q.weight", (h, q_dim)),
            TensorSpec(p + "attn_k.weight", (h, kv_dim)),
            TensorSpec(p + "attn_v.weight", (h, kv_dim)),
        ]
    out.append(TensorSpec(p + "attn_output.weight", (q_dim, h)))
    if d.family in ("qwen2", "gpt-oss"):
        out += [
            TensorSpec(p + "attn_q.bias", (q_dim,)),
            TensorSpec(p + "attn_k.bias", (kv_dim,)),
            TensorSpec(p + "attn_v.bias", (kv_dim,)),
        ]
    if d.family == "gpt-oss":
        out += [
            TensorSpec(p + "attn_output.bias", (h,)),
            TensorSpec(p + "attn_sinks", (arch.heads,)),
        ]
    if d.family in ("qwen3", "qwen3moe", "gemma3"):
        out += [
            TensorSpec(p + "attn_q_norm.weight", (hd,)),
            TensorSpec(p + "attn_k_norm.weight", (hd,)),
        ]
    return out


def _ffn(arch: ModelArch, d: ArchDetails, p: str, il: int) -> list[TensorSpec]:
    h, moe = arch.hidden, d.moe
    if moe is None or il < moe.leading_dense:
        if d.family == "phi3":
            return [
                TensorSpec(p + "ffn_up.weight", (h, 2 * d.ffn)),
                TensorSpec(p + "ffn_down.weight", (d.ffn, h)),
            ]
        return [
            TensorSpec(p + "ffn_gate.weight", (h, d.ffn)),
            TensorSpec(p + "ffn_up.weight", (h, d.ffn)),
            TensorSpec(p + "ffn_down.weight", (d.ffn, h)),
        ]
    e, f = moe.experts, moe.expert_ffn
    out = [
        TensorSpec(p + "ffn_gate_inp.weight", (h, e)),
        TensorSpec(p + "ffn_gate_exps.weight", (h, f, e)),
        TensorSpec(p + "ffn_up_exps.weight", (h, f, e)),
        TensorSpec(p + "ffn_down_exps.weight", (f, h, e)),
    ]
    if moe.biases:
        out += [
            TensorSpec(p + "ffn_gate_inp.bias", (e,)),
            TensorSpec(p + "ffn_gate_exps.bias", (f, e)),
            TensorSpec(p + "ffn_up_exps.bias", (f, e)),
            TensorSpec(p + "ffn_down_exps.bias", (h, e)),
        ]
    if d.mla is not None:
        out.append(TensorSpec(p + "exp_probs_b.bias", (e,)))
    if moe.shared:
        sf = moe.shared_ffn or moe.shared * f
        out += [
            TensorSpec(p + "ffn_gate_shexp.weight", (h, sf)),
            TensorSpec(p + "ffn_up_shexp.weight", (h, sf)),
            TensorSpec(p + "ffn_down_shexp.weight", (sf, h)),
        ]
    return out


def catalogue_tensors(arch: ModelArch) -> list[TensorSpec]:
    """The tensors llama.cpp would find in a GGUF of this model (types not yet assigned)."""
    d = details_for(arch)
    h = arch.hidden
    out = [TensorSpec("token_embd.weight", (h, arch.vocab)), TensorSpec("output_norm.weight", (h,))]
    if not d.tied_embeddings:
        out.append(TensorSpec("output.weight", (h, arch.vocab)))
    for i in range(arch.layers):
        p = f"blk.{i}."
        out += [TensorSpec(p + "attn_norm.weight", (h,)), TensorSpec(p + "ffn_norm.weight", (h,))]
        out += _attention(arch, d, p)
        out += _ffn(arch, d, p, i)
        if d.family in ("gemma2", "gemma3"):
            out += [
                TensorSpec(p + "post_attention_norm.weight", (h,)),
                TensorSpec(p + "post_ffw_norm.weight", (h,)),
            ]
    return out
