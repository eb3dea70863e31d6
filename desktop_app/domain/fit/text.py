"""Words for fit estimates: byte sizes, and every formula input spelled out for hover and CLI."""

from __future__ import annotations

from desktop_app.domain.fit.budget import CPU_BANDWIDTH_NOTE
from desktop_app.domain.fit.estimate import FitResult
from desktop_app.domain.units import format_bytes, format_speed


def weights_lines(r: FitResult) -> list[str]:
    """How the weights were counted."""
    w, s = r.shape.weights, r.shape
    types = ", ".join(f"{k} {format_bytes(v)}" for k, v in sorted(w.types.items()) if v)
    lines = [
        f"Weights {format_bytes(r.weights_bytes)}: {s.params / 1e9:.2f} B parameters at {s.quant}",
        f"  per-layer blocks {format_bytes(sum(w.layers))} over {s.layers} layers",
        f"  token embedding {format_bytes(w.token_embd)} (kept in system RAM by llama.cpp)",
        f"  output layer {format_bytes(w.output)}"
        + (" (tied: the embedding matrix again)" if w.tied_embeddings else ""),
    ]
    if types:
        lines.append(f"  by ggml type: {types}")
    lines.append(f"  source: {s.source}")
    return lines


def kv_lines(r: FitResult) -> list[str]:
    """How the KV cache was counted."""
    return [
        f"KV cache {format_bytes(r.kv.bytes)}: {r.kv.formula}",
        f"  llama-server allocates {r.kv.n_ctx:,} cells (-c {r.kv.n_ctx} -np "
        f"{r.settings.parallel}; context padded to 256); GQA: {r.shape.kv_heads} KV heads "
        f"of {r.shape.n_heads} attention heads",
    ]


def other_lines(r: FitResult) -> list[str]:
    """Compute buffer and overhead, stated as estimates."""
    if r.gpu_layers:
        what = "GPU runtime reserve (Ollama's 457 MiB CUDA / 512 MiB Metal) + logits buffer"
    else:
        what = "logits buffer (vocab × 4 B × slots)"
    return [
        f"Compute buffer {format_bytes(r.compute_bytes)} (estimate): ubatch "
        f"{r.settings.n_ubatch} × (2 B × KV cells + 4 B × (4 × FFN {r.shape.ffn} + width))",
        f"Overhead {format_bytes(r.overhead_bytes)} (estimate): {what}",
    ]


def verdict_lines(r: FitResult) -> list[str]:
    """The verdict with the memory it was measured against."""
    b = r.budget
    if b is None:
        return ["Verdict: detecting hardware… (no verdict yet)"]
    ram = f"RAM {format_bytes(r.ram_needed)} of {format_bytes(b.ram_bytes)} available"
    if b.vram_bytes:
        need = f"VRAM {format_bytes(r.vram_needed)} of {format_bytes(b.vram_bytes)} free on "
        need += f"{b.gpu_name}; {ram}"
    else:
        need = f"{ram} (no usable GPU)"
    lines = [
        f"Verdict: {r.verdict_text}; headroom {format_bytes(r.headroom_bytes)}",
        f"  needs {need}",
    ]
    lines += [f"  note: {n}" for n in r.notes]
    return lines


def speed_lines(r: FitResult) -> list[str]:
    """The decode-speed bound and its realistic share, labelled as estimates."""
    share = (
        f"{r.decode_estimate / r.decode_upper:.0%} of the bound: "
        + (
            "split runs lose time handing over between GPU and CPU"
            if r.gpu_layers and (r.cpu_moe_layers or r.gpu_layers < r.layers)
            else "llmfit's factor"
        )
        if r.decode_estimate and r.decode_upper
        else "no bound"
    )
    moe = (
        f"  mixture of experts: reads {r.shape.experts_used} of {r.shape.experts} experts per "
        "token, so the active weights set the speed"
        if r.shape.is_moe
        else ""
    )
    return [
        f"Decode speed upper bound {format_speed(r.decode_upper)} (empty context), "
        f"{format_speed(r.decode_upper_full_ctx)} at full context",
        f"  realistic estimate {format_speed(r.decode_estimate)} ({share})",
        *([moe] if moe else []),
        f"  {r.speed_note}",
        f"  CPU memory bandwidth: {CPU_BANDWIDTH_NOTE}",
    ]


def describe(r: FitResult) -> list[str]:
    """Every line: weights, KV, compute, overhead, total, verdict, speed."""
    return [
        f"{r.shape.name} · {r.shape.quant} · context {r.settings.ctx:,} × "
        f"{r.settings.parallel} slot(s) · KV {r.settings.kv_type}",
        *weights_lines(r),
        *kv_lines(r),
        *other_lines(r),
        f"Total {format_bytes(r.total_bytes)}",
        *verdict_lines(r),
        *speed_lines(r),
    ]
