"""The frozen encoder layers and the probe as an ONNX graph, for onnxruntime.

The graph mirrors `forward.apply_layer` (post-LayerNorm BERT layers) over a
batch of windows padded to the longest one: input `states` (the embedded
windows, batch × positions × hidden, computed in NumPy) and `mask` (1 for a
real position, 0 for padding); output `scores`, the probe's score of every
position (the sum over probed layers of the states times the probe weights).
Padding is masked out of attention, so a window's scores do not depend on
what it is batched with. Built from the dequantised float32 weights;
`runtime.py` quantises its weight products to int8.

Attention and GELU are onnxruntime's fused kernels (`com.microsoft`
MultiHeadAttention and Gelu): the same arithmetic as the plain-operator graph
of GRAPH_VERSION 2 (scores bit-identical on 40 IMDB-es reviews), without
writing the batch × heads × positions² scores, their scaled, masked and
softmaxed copies to memory one operator at a time: Softmax, Add and Mul on
those tensors were 36% of the int8 graph's time, the weight products 26%.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from critica.encoder.forward import E5Encoder, Layer
from critica.encoder.weights import E5Config

OPSET = 17  # LayerNormalization is an ONNX operator from 17 on
FUSED = "com.microsoft"  # onnxruntime's contrib operators (MultiHeadAttention, Gelu), version 1


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

    def op(self, op: str, inputs: list[str], outputs: str | list[str], domain: str = "", **attributes) -> str:
        from onnx import helper

        names = [outputs] if isinstance(outputs, str) else outputs
        self.nodes.append(helper.make_node(op, inputs, names, name=names[0], domain=domain, **attributes))
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
    """The serialised ONNX model of layers 1..max(depths) and the probe (`probe`: depths × hidden × outputs).

    Output "scores": batch × positions × outputs (the token score, then the attention logit when
    the probe has one). `smoothing`: per-channel scales by product name ("l3.up", see
    `smoothing.py`), for int8.

    Also returns the names of the products quantisation must leave in float32: the probe's
    (attention's activation × activation products are inside the fused attention operator).
    """
    g, score = _Graph(smoothing), None
    for depth, x in _layer_stack(g, encoder, max(depths)):
        if depth in depths:
            w = g.const(f"probe{depth}.w", probe[depths.index(depth)].astype(np.float32))
            term = g.op("MatMul", [x, w], f"probe{depth}")
            score = term if score is None else g.op("Add", [score, term], f"score_to{depth}")
            g.keep_float.append(term)  # the probe's own product stays in float32: it is the output
    g.op("Identity", [score], "scores")
    shape = ["batch", "positions", probe.shape[-1]]
    return _serialised(g, "critica-probe", encoder.config.hidden, {"scores": shape}), g.keep_float


def build_states_graph(encoder: E5Encoder, depths: tuple[int, ...]) -> bytes:
    """The serialised ONNX model of layers 1..max(depths) whose outputs are the states after `depths`.

    Outputs "after6", "after9", … (batch × positions × hidden), in the order of `depths`: for
    measuring which layers a probe should read (`benchmarks/probe_depths.py`).
    """
    g, after = _Graph(), {}
    for depth, x in _layer_stack(g, encoder, max(depths)):
        if depth in depths:
            after[depth] = g.op("Identity", [x], f"after{depth}")
    shape = ["batch", "positions", encoder.config.hidden]
    return _serialised(g, "critica-states", encoder.config.hidden, {after[d]: shape for d in depths})


def _layer_stack(g: _Graph, encoder: E5Encoder, deepest: int) -> Iterator[tuple[int, str]]:
    """Add layers 1..`deepest` over the graph inputs; yields each depth and the name of its output."""
    from onnx import TensorProto

    cfg = encoder.config
    g.const("split", np.array([cfg.hidden] * 3, dtype=np.int64))
    # batch × positions, 1 for a real position: padded keys get no attention (−10⁴ before the softmax)
    g.op("Cast", ["mask"], "key_mask", to=TensorProto.INT32)
    x = "states"
    for depth in range(1, deepest + 1):
        x = _layer(g, encoder.layers[depth - 1], x, f"l{depth}", cfg)
        yield depth, x


def _serialised(g: _Graph, name: str, hidden: int, outputs: dict[str, list]) -> bytes:
    """The model of `g`'s nodes: inputs `states` (batch × positions × hidden) and `mask`, float `outputs`."""
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        g.nodes,
        name,
        [
            helper.make_tensor_value_info("states", TensorProto.FLOAT, ["batch", "positions", hidden]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "positions"]),
        ],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, shape) for out, shape in outputs.items()],
        initializer=g.initializers,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid(FUSED, 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="critica")
    model.ir_version = 8  # readable by every onnxruntime from 1.14 on
    return model.SerializeToString()


def _layer(g: _Graph, layer: Layer, x: str, p: str, cfg: E5Config) -> str:
    """Self-attention → add & norm → GELU feed-forward → add & norm (nodes prefixed with `p`)."""
    qkv = g.linear(x, layer.qkv, layer.qkv_bias, f"{p}.qkv")
    q, k, v = (f"{p}.{n}" for n in "qkv")
    g.op("Split", [qkv, "split"], [q, k, v], axis=2)
    # the operator's defaults: scale 1/√(head size) as in forward.apply_layer, padded keys at −10⁴
    context = g.op("MultiHeadAttention", [q, k, v, "", "key_mask"], f"{p}.context", domain=FUSED, num_heads=cfg.heads)
    attended = g.linear(context, layer.out, layer.out_bias, f"{p}.out")
    x = g.layer_norm(g.op("Add", [x, attended], f"{p}.res1"), layer.ln1_w, layer.ln1_b, cfg.eps, f"{p}.ln1")
    mid = g.linear(x, layer.up, layer.up_bias, f"{p}.up")
    gelu = g.op("Gelu", [mid], f"{p}.gelu", domain=FUSED)  # the exact (erf) GELU
    down = g.linear(gelu, layer.down, layer.down_bias, f"{p}.down")
    return g.layer_norm(g.op("Add", [x, down], f"{p}.res2"), layer.ln2_w, layer.ln2_b, cfg.eps, f"{p}.ln2")
