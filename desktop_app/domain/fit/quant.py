"""Weight bytes as llama.cpp stores them: ggml types, quantization mixtures, tensor layouts.

Type sizes come from ggml-common.h (static_asserts); the per-tensor mixture rules follow
llama-quant.cpp `llama_tensor_get_type` (see docs/fit-and-metrics.md A2.1): output and
tied embeddings get Q6_K, attn_v/ffn_down get more bits in the "use_more_bits" layers, and
rows not divisible by the 256-weight super-block fall back to Q5_0/Q5_1/Q8_0/IQ4_NL/F16.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

QK_K = 256


@dataclass(frozen=True)
class GgmlType:
    """A ggml tensor type: weights per block and bytes per block."""

    name: str
    block_size: int
    type_size: int

    def nbytes(self, n_elements: int) -> int:
        """Bytes for `n_elements` weights (whole blocks)."""
        return -(-n_elements // self.block_size) * self.type_size


GGML_TYPES: dict[str, GgmlType] = {
    t.name: t
    for t in (
        GgmlType("F32", 1, 4),
        GgmlType("F16", 1, 2),
        GgmlType("BF16", 1, 2),
        GgmlType("F64", 1, 8),
        GgmlType("I8", 1, 1),
        GgmlType("I16", 1, 2),
        GgmlType("I32", 1, 4),
        GgmlType("I64", 1, 8),
        GgmlType("Q4_0", 32, 18),
        GgmlType("Q4_1", 32, 20),
        GgmlType("Q5_0", 32, 22),
        GgmlType("Q5_1", 32, 24),
        GgmlType("Q8_0", 32, 34),
        GgmlType("Q2_K", QK_K, 84),
        GgmlType("Q3_K", QK_K, 110),
        GgmlType("Q4_K", QK_K, 144),
        GgmlType("Q5_K", QK_K, 176),
        GgmlType("Q6_K", QK_K, 210),
        GgmlType("Q8_K", QK_K, 292),
        GgmlType("IQ2_XXS", QK_K, 66),
        GgmlType("IQ2_XS", QK_K, 74),
        GgmlType("IQ2_S", QK_K, 82),
        GgmlType("IQ3_XXS", QK_K, 98),
        GgmlType("IQ3_S", QK_K, 110),
        GgmlType("IQ1_S", QK_K, 50),
        GgmlType("IQ1_M", QK_K, 56),
        GgmlType("IQ4_NL", 32, 18),
        GgmlType("IQ4_XS", QK_K, 136),
        GgmlType("TQ1_0", QK_K, 54),
        GgmlType("TQ2_0", QK_K, 66),
        GgmlType("MXFP4", 32, 17),
    )
}


@dataclass(frozen=True)
class Quant:
    """A quantization the user can pick: its label, engine family and quality order."""

    key: str
    label: str
    family: str  # "gguf" (llama.cpp, Ollama) or "gpu" (vLLM, TGI, SGLang, ...)
    quality: int  # higher is closer to the original weights
    base_type: str = ""  # ggml type of most weights (gguf only)


QUANTS: dict[str, Quant] = {
    q.key: q
    for q in (
        Quant("F16", "F16 / BF16 (unquantized)", "gguf", 100, "F16"),
        Quant("Q8_0", "Q8_0", "gguf", 90, "Q8_0"),
        Quant("Q6_K", "Q6_K", "gguf", 80, "Q6_K"),
        Quant("Q5_K_M", "Q5_K_M", "gguf", 70, "Q5_K"),
        Quant("Q4_K_M", "Q4_K_M", "gguf", 60, "Q4_K"),
        Quant("Q4_0", "Q4_0", "gguf", 55, "Q4_0"),
        Quant("Q3_K_M", "Q3_K_M", "gguf", 40, "Q3_K"),
        Quant("Q2_K", "Q2_K", "gguf", 20, "Q2_K"),
        # gpt-oss ships its experts in MXFP4 (ggml-org/gpt-oss-*-GGUF): the only GGUF it has.
        Quant("MXFP4", "MXFP4 experts, Q8_0 elsewhere (gpt-oss)", "gguf", 58, "MXFP4"),
        Quant("FP8", "FP8 (W8A8, GPU frameworks)", "gpu", 88),
        Quant("AWQ-INT4", "AWQ int4, group 128 (GPU frameworks)", "gpu", 58),
        Quant("GPTQ-INT4", "GPTQ int4, group 128 (GPU frameworks)", "gpu", 57),
    )
}
# AWQ/GPTQ: 4-bit weights + fp16 scale + 4-bit zero per group of 128 -> 4 + 20/128 bpw.
INT4_G128_BPW = 4 + (16 + 4) / 128


@dataclass(frozen=True)
class TensorSpec:
    """A tensor as llama.cpp sees it: name and shape with ne[0] (the row length) first."""

    name: str
    shape: tuple[int, ...]
    ggml_type: str = "F32"

    @property
    def n_elements(self) -> int:
        """Number of weights."""
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def nbytes(self) -> int:
        """Bytes on disk and in memory."""
        return GGML_TYPES[self.ggml_type].nbytes(self.n_elements)

    @property
    def layer(self) -> int | None:
        """The block index for `blk.N.*` tensors, else None."""
        parts = self.name.split(".")
        if parts[0] == "blk" and len(parts) > 1 and parts[1].isdigit():
            return int(parts[1])
        return None


@dataclass(frozen=True)
class WeightsLayout:
    """Weight bytes split the way llama.cpp places them on devices."""

    layers: tuple[int, ...]  # bytes of blk.i.* per block
    token_embd: int  # input embedding: stays in system RAM (CPU_Mapped) even at full offload
    output: int  # output matrix + output_norm (the "layer L+1"); tied: the embedding again
    tied_embeddings: bool
    cpu_repack: int = 0  # Q4_0/Q4_K/IQ4_NL bytes llama.cpp copies into a CPU_REPACK buffer
    types: dict[str, int] = field(default_factory=dict)  # bytes per ggml type
    experts: tuple[int, ...] = ()  # bytes of the routed expert tensors (*_exps) per block

    @property
    def file_bytes(self) -> int:
        """Tensor bytes in the file (a tied output matrix is stored once)."""
        out = self.output - (self.token_embd if self.tied_embeddings else 0)
        return sum(self.layers) + self.token_embd + out

    @property
    def read_per_token(self) -> int:
        """Bytes read to decode one token by a dense model: every matrix but the embedding."""
        return sum(self.layers) + self.output

    def expert_bytes(self, il: int) -> int:
        """Routed-expert bytes of block `il` (0 for a dense block)."""
        return self.experts[il] if il < len(self.experts) else 0


def layout_from_tensors(tensors: Iterable[TensorSpec]) -> WeightsLayout:
    """Group tensors into per-layer, embedding and output bytes."""
    tensors = list(tensors)
    n_layers = max((t.layer for t in tensors if t.layer is not None), default=-1) + 1
    layers = [0] * n_layers
    experts = [0] * n_layers
    token_embd = output = repack = 0
    has_output = any(t.name == "output.weight" for t in tensors)
    types: dict[str, int] = {}
    for t in tensors:
        types[t.ggml_type] = types.get(t.ggml_type, 0) + t.nbytes
        if t.layer is not None:
            layers[t.layer] += t.nbytes
            if "_exps" in t.name:
                experts[t.layer] += t.nbytes
            if t.ggml_type in ("Q4_0", "Q4_K", "IQ4_NL") and len(t.shape) >= 2:
                repack += t.nbytes
        elif t.name.startswith("token_embd"):
            token_embd += t.nbytes
        else:
            output += t.nbytes
    if not has_output:
        output += token_embd
    return WeightsLayout(
        tuple(layers), token_embd, output, not has_output, repack, types, tuple(experts)
    )


def use_more_bits(i_layer: int, n_layers: int) -> bool:
    """llama-quant.cpp: first and last eighth of the layers, and every third in between."""
    return (
        i_layer < n_layers // 8
        or i_layer >= 7 * n_layers // 8
        or (i_layer - n_layers // 8) % 3 == 2
    )


_FALLBACK = {
    "Q2_K": "IQ4_NL",
    "Q3_K": "IQ4_NL",
    "IQ4_XS": "IQ4_NL",
    "Q4_K": "Q5_0",
    "Q5_K": "Q5_1",
    "Q6_K": "Q8_0",
}


def _fallback(ggml_type: str, row: int) -> str:
    """K-quants need rows divisible by 256; llama.cpp swaps in a type that fits."""
    if GGML_TYPES[ggml_type].block_size == QK_K and row % QK_K:
        ggml_type = _FALLBACK.get(ggml_type, "F16")
        if row % GGML_TYPES[ggml_type].block_size:
            ggml_type = "F16"
    return ggml_type


@dataclass(frozen=True)
class QuantContext:
    """What the mixture rules look at besides the tensor: layer count, GQA, model class."""

    n_layers: int
    n_gqa: int  # attention heads / KV heads
    is_70b_class: bool  # llama.cpp's LLM_TYPE_70B (80-layer llama/qwen2)
    n_expert: int = 0  # {arch}.expert_count (Mixtral's 8 experts get more bits in attention)


def tensor_type(quant: str, t: TensorSpec, ctx: QuantContext, tied: bool) -> str:
    """The ggml type llama-quantize gives tensor `t` for the file type `quant`."""
    if len(t.shape) < 2 or t.name.endswith("_norm.weight") or not t.name.endswith(".weight"):
        return "F32"
    base = QUANTS[quant].base_type
    if base in ("F16", "F32", "BF16"):
        return base
    if base == "MXFP4":  # gpt-oss as converted: experts MXFP4, the other matrices Q8_0
        return "MXFP4" if "_exps" in t.name else "Q8_0"
    name, row = t.name, t.shape[0]
    is_output = name == "output.weight" or (tied and name == "token_embd.weight")
    if is_output:
        if row % QK_K:
            return "Q8_0"
        return "Q8_0" if base == "Q8_0" else "Q6_K"
    new = base
    i = t.layer or 0
    if "attn_v.weight" in name:
        if quant == "Q2_K":
            new = "Q4_K" if ctx.n_gqa >= 4 else "Q3_K"
        elif quant == "Q3_K_M":
            new = "Q5_K" if i < 2 else "Q4_K"
        elif quant in ("Q4_K_M", "Q5_K_M") and use_more_bits(i, ctx.n_layers):
            new = "Q6_K"
        if ctx.is_70b_class and new in ("Q3_K", "Q4_K"):
            new = "Q5_K"
        if ctx.n_expert == 8:  # llama-quant.cpp: "for the 8-expert model ... ~128MB"
            new = "Q8_0"
    elif "attn_k.weight" in name and ctx.n_expert == 8:
        new = "Q8_0"
    elif "ffn_down" in name:
        if quant == "Q2_K":
            new = "Q3_K"
        elif quant == "Q3_K_M":
            new = "Q5_K" if i < ctx.n_layers // 16 else "Q4_K"
        elif quant in ("Q4_K_M", "Q5_K_M") and use_more_bits(i, ctx.n_layers):
            new = "Q6_K"
    elif "attn_output.weight" in name:
        if ctx.n_expert == 8 and quant in ("Q2_K", "Q3_K_M", "Q4_K_M"):
            new = "Q5_K"
        elif quant in ("Q2_K", "Q3_K_M"):
            new = "Q3_K" if quant == "Q2_K" else "Q4_K"
    elif "attn_qkv.weight" in name:
        new = {"Q3_K_M": "Q4_K", "Q4_K_M": "Q5_K", "Q5_K_M": "Q6_K"}.get(quant, new)
    return _fallback(new, row)


def quantize_tensors(
    quant: str, tensors: Iterable[TensorSpec], ctx: QuantContext
) -> list[TensorSpec]:
    """Assign every tensor the type llama-quantize would give it."""
    tensors = list(tensors)
    tied = not any(t.name == "output.weight" for t in tensors)
    return [TensorSpec(t.name, t.shape, tensor_type(quant, t, ctx, tied)) for t in tensors]


def gpu_format_bytes(quant: str, linear_params: int, embed_params: int) -> int:
    """AWQ/GPTQ int4 and FP8 checkpoints: linear layers quantized, embeddings/lm_head 16-bit."""
    bpw = 8.0 if quant == "FP8" else INT4_G128_BPW
    return int(linear_params * bpw / 8) + embed_params * 2
