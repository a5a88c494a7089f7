"""The frozen encoder layers and the probe as an ONNX graph, for onnxruntime.

The graph mirrors `forward.apply_layer` (post-LayerNorm BERT layers) over a
batch of windows padded to the longest one: input `states` (the embedded
windows, batch × positions × hidden, computed in NumPy) and `mask` (1 for a
real position, 0 for padding); output `scores`, the probe's score of every
position (the sum over probed layers of the states times the probe weights).
Padding is masked out of attention, so a window's scores do not depend on
what it is batched with. Built from the dequantised float32 weights;
`runtime.py` quantises its weight products to int8.
"""

from __future__ import annotations

import math

import numpy as np

from critica.sentiment.e5.forward import E5Encoder, Layer

OPSET = 17  # LayerNormalization is an ONNX operator from 17 on


class _Graph:
    """Nodes and initialisers being assembled; every node is named after its (first) output."""

    def __init__(self, smoothing: dict[str, np.ndarray] | None = None) -> None:
        self.smoothing = smoothing or {}  # product name → per-input-channel scales (smoothing.py)
        self.nodes: list = []
        self.initializers: list = []
        self.keep_float: list[str] = []  # products quantisation must skip: attention's and the probe's

    def const(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op: str, inputs: list[str], outputs: str | list[str], **attributes) -> str:
        from onnx import helper

        names = [outputs] if isinstance(outputs, str) else outputs
        self.nodes.append(helper.make_node(op, inputs, names, name=names[0], **attributes))
        return names[0]

    def linear(self, x: str, weight: np.ndarray, bias: np.ndarray, name: str) -> str:
        """X · weightᵀ + bias (weight in PyTorch's out × in layout).

        With smoothing scales s for this product: (X / s) · (weight · s)ᵀ, the same product with
        part of the input's range moved into the weights (what int8 quantisation needs).
        """
        scales = self.smoothing.get(name)
        if scales is not None:
            x = self.op("Mul", [x, self.const(f"{name}.smooth", (1.0 / scales).astype(np.float32))], f"{name}.smoothed")
            weight = weight * scales[None, :]
        product = self.op("MatMul", [x, self.const(f"{name}.w", weight.T.astype(np.float32))], f"{name}.matmul")
        return self.op("Add", [product, self.const(f"{name}.b", bias.astype(np.float32))], name)

    def layer_norm(self, x: str, weight: np.ndarray, bias: np.ndarray, eps: float, name: str) -> str:
        w, b = self.const(f"{name}.w", weight.astype(np.float32)), self.const(f"{name}.b", bias.astype(np.float32))
        return self.op("LayerNormalization", [x, w, b], name, axis=-1, epsilon=eps)


def build_probe_graph(
    encoder: E5Encoder,
    depths: tuple[int, ...],
    probe: np.ndarray,
    smoothing: dict[str, np.ndarray] | None = None,
) -> tuple[bytes, list[str]]:
    """The serialised ONNX model of layers 1..max(depths) and the probe (`probe`: depths × hidden).

    `smoothing`: per-channel scales by product name ("l3.up", see `smoothing.py`), for int8.

    Also returns the names of the products quantisation must leave in float32: attention's
    (activation × activation) and the probe's.
    """
    from onnx import TensorProto, helper

    cfg = encoder.config
    g = _Graph(smoothing)
    size = cfg.hidden // cfg.heads
    g.const("heads_shape", np.array([0, 0, cfg.heads, size], dtype=np.int64))
    g.const("hidden_shape", np.array([0, 0, cfg.hidden], dtype=np.int64))
    g.const("scale", np.array(1.0 / math.sqrt(size), dtype=np.float32))
    g.const("one", np.array(1.0, dtype=np.float32))
    g.const("half", np.array(0.5, dtype=np.float32))
    g.const("sqrt_half", np.array(math.sqrt(0.5), dtype=np.float32))
    g.const("masked", np.array(-1e4, dtype=np.float32))
    g.const("mask_axes", np.array([1, 2], dtype=np.int64))
    g.const("split", np.array([cfg.hidden] * 3, dtype=np.int64))
    # (1 − mask) · −10⁴ as batch × 1 × 1 × positions: padded keys get no attention
    g.op("Sub", ["one", "mask"], "padding")
    g.op("Mul", ["padding", "masked"], "padding_scaled")
    g.op("Unsqueeze", ["padding_scaled", "mask_axes"], "attention_bias")

    x, score = "states", None
    for depth in range(1, max(depths) + 1):
        x = _layer(g, encoder.layers[depth - 1], x, f"l{depth}", cfg.eps)
        if depth in depths:
            w = g.const(f"probe{depth}.w", probe[depths.index(depth)].reshape(-1, 1).astype(np.float32))
            term = g.op("MatMul", [x, w], f"probe{depth}")
            score = term if score is None else g.op("Add", [score, term], f"score_to{depth}")
            g.keep_float.append(term)  # the probe's own product stays in float32: it is the output
    g.const("last_axis", np.array([2], dtype=np.int64))
    g.op("Squeeze", [score, "last_axis"], "scores")
    graph = helper.make_graph(
        g.nodes,
        "critica-probe",
        [
            helper.make_tensor_value_info("states", TensorProto.FLOAT, ["batch", "positions", cfg.hidden]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "positions"]),
        ],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", "positions"])],
        initializer=g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="critica")
    model.ir_version = 8  # readable by every onnxruntime from 1.14 on
    return model.SerializeToString(), g.keep_float


def _layer(g: _Graph, layer: Layer, x: str, p: str, eps: float) -> str:
    """Self-attention → add & norm → GELU feed-forward → add & norm (nodes prefixed with `p`)."""
    qkv = g.linear(x, layer.qkv, layer.qkv_bias, f"{p}.qkv")
    q, k, v = (f"{p}.{n}" for n in "qkv")
    g.op("Split", [qkv, "split"], [q, k, v], axis=2)
    heads = {n: g.op("Reshape", [n, "heads_shape"], f"{n}.heads") for n in (q, k, v)}
    q_t = g.op("Transpose", [heads[q]], f"{q}.t", perm=[0, 2, 1, 3])  # batch × heads × positions × size
    k_t = g.op("Transpose", [heads[k]], f"{k}.t", perm=[0, 2, 3, 1])  # batch × heads × size × positions
    v_t = g.op("Transpose", [heads[v]], f"{v}.t", perm=[0, 2, 1, 3])
    raw = g.op("MatMul", [q_t, k_t], f"{p}.scores")
    scaled = g.op("Mul", [raw, "scale"], f"{p}.scaled")
    biased = g.op("Add", [scaled, "attention_bias"], f"{p}.biased")
    probs = g.op("Softmax", [biased], f"{p}.probs", axis=-1)
    context = g.op("MatMul", [probs, v_t], f"{p}.context")
    g.keep_float += [raw, context]  # activation × activation
    merged = g.op("Transpose", [context], f"{p}.context.t", perm=[0, 2, 1, 3])
    flat = g.op("Reshape", [merged, "hidden_shape"], f"{p}.context.flat")
    attended = g.linear(flat, layer.out, layer.out_bias, f"{p}.out")
    x = g.layer_norm(g.op("Add", [x, attended], f"{p}.res1"), layer.ln1_w, layer.ln1_b, eps, f"{p}.ln1")
    mid = g.linear(x, layer.up, layer.up_bias, f"{p}.up")
    erf = g.op("Erf", [g.op("Mul", [mid, "sqrt_half"], f"{p}.up.scaled")], f"{p}.erf")
    gate = g.op("Mul", [g.op("Add", [erf, "one"], f"{p}.erf1"), "half"], f"{p}.gate")
    gelu = g.op("Mul", [mid, gate], f"{p}.gelu")
    down = g.linear(gelu, layer.down, layer.down_bias, f"{p}.down")
    return g.layer_norm(g.op("Add", [x, down], f"{p}.res2"), layer.ln2_w, layer.ln2_b, eps, f"{p}.ln2")
