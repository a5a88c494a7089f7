"""Fine-tune the upper layers of multilingual-e5-small and a linear head, on CPU.

The lower layers stay frozen, so their outputs are computed once (in NumPy,
exactly as at inference) and training only runs the upper layers forward and
backward. A review's logit is the head over the mean of its sentence tokens'
last-layer states, across all its windows; the loss is binary cross-entropy.

Needs torch (`pip install 'critica[train]'`, CPU build `torch==2.13.0`);
inference never does. Seeded: the same data, settings and thread count give
the same weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from critica.sentiment.e5.forward import Layer
from critica.sentiment.e5.inputs import EncoderInput
from critica.sentiment.e5.tuned import LAYER_FIELDS, layer_arrays


@dataclass(frozen=True)
class FineTuneConfig:
    """What and how to fine-tune (defaults: the recipe the MODEL_CARD reports)."""

    tuned_layers: int = 3
    epochs: int = 3
    batch_reviews: int = 8
    layer_lr: float = 5e-5
    head_lr: float = 1e-3
    warmup: float = 0.1
    weight_decay: float = 0.01
    dropout: float = 0.1
    seed: int = 13
    threads: int = 2

    def to_dict(self) -> dict:
        """Plain settings for model.json."""
        return asdict(self)


def _torch():
    try:
        import torch
    except ImportError as exc:
        raise RuntimeError(
            "training the default tier needs torch: `pip install 'critica[train]'` "
            "(CPU build: `pip install torch==2.13.0`), or train the fast tier with --tier fast"
        ) from exc
    return torch


def _modules(torch):
    nn, functional = torch.nn, torch.nn.functional

    class TorchLayer(nn.Module):
        """A post-LayerNorm transformer layer with the same weights as `Layer`."""

        def __init__(self, layer: Layer, heads: int, eps: float, dropout: float) -> None:
            super().__init__()
            hidden = layer.out.shape[0]
            self.heads, self.dropout = heads, dropout
            self.qkv = nn.Linear(hidden, 3 * hidden)
            self.out = nn.Linear(hidden, hidden)
            self.ln1 = nn.LayerNorm(hidden, eps=eps)
            self.up = nn.Linear(hidden, layer.up.shape[0])
            self.down = nn.Linear(layer.up.shape[0], hidden)
            self.ln2 = nn.LayerNorm(hidden, eps=eps)
            with torch.no_grad():
                for name, value in layer_arrays(layer).items():
                    module, kind = _PARAMETER[name]
                    getattr(getattr(self, module), kind).copy_(torch.from_numpy(np.array(value, dtype=np.float32)))

        def forward(self, x, keep):  # x: windows × positions × hidden; keep: windows × positions (bool)
            w, n, h = x.shape
            q, k, v = self.qkv(x).view(w, n, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
            p = self.dropout if self.training else 0.0
            context = functional.scaled_dot_product_attention(q, k, v, attn_mask=keep[:, None, None, :], dropout_p=p)
            context = context.transpose(1, 2).reshape(w, n, h)
            x = self.ln1(x + functional.dropout(self.out(context), p, self.training))
            mid = functional.gelu(self.up(x))
            return self.ln2(x + functional.dropout(self.down(mid), p, self.training))

    class Top(nn.Module):
        """The tuned layers and the head: windows → per-position scores."""

        def __init__(self, layers: list[Layer], heads: int, eps: float, dropout: float) -> None:
            super().__init__()
            self.layers = nn.ModuleList(TorchLayer(layer, heads, eps, dropout) for layer in layers)
            self.head = nn.Linear(layers[0].out.shape[0], 1)
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)

        def forward(self, x, keep):
            for layer in self.layers:
                x = layer(x, keep)
            return self.head(x).squeeze(-1)

    return Top


def _parameter(field: str) -> tuple[str, str]:
    """`Layer` field → (torch submodule, weight or bias): "qkv" → (qkv, weight), "ln1_b" → (ln1, bias)."""
    module, _, suffix = field.partition("_")
    return module, "weight" if suffix in ("", "w") else "bias"


_PARAMETER = {field: _parameter(field) for field in LAYER_FIELDS}


def _batches(lengths: np.ndarray, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    # Group reviews of similar length (less padding), then shuffle the groups.
    order = rng.permutation(len(lengths))
    batches = []
    for start in range(0, len(order), size * 16):
        chunk = order[start : start + size * 16]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def _collate(torch, states: list[list[np.ndarray]], inputs: list[EncoderInput], reviews: np.ndarray):
    windows = [
        (r, x, o)
        for r in range(len(reviews))
        for x, o in zip(states[reviews[r]], inputs[reviews[r]].owners, strict=True)
    ]
    longest = max(x.shape[0] for _, x, _ in windows)
    hidden = windows[0][1].shape[1]
    x = np.zeros((len(windows), longest, hidden), dtype=np.float32)
    keep = np.zeros((len(windows), longest), dtype=bool)
    content = np.zeros((len(windows), longest), dtype=np.float32)
    for i, (_, states_i, owner) in enumerate(windows):
        x[i, : len(owner)] = states_i
        keep[i, : len(owner)] = True
        content[i, : len(owner)] = owner >= 0
    review_of_window = torch.tensor([r for r, _, _ in windows])
    return torch.from_numpy(x), torch.from_numpy(keep), torch.from_numpy(content), review_of_window


def review_logits(torch, top, batch, n_reviews: int):
    """Mean token score over each review's sentence tokens (the head's bias is inside each score)."""
    x, keep, content, review_of_window = batch
    scores = top(x, keep)
    sums = torch.zeros(n_reviews).index_add(0, review_of_window, (scores * content).sum(1))
    counts = torch.zeros(n_reviews).index_add(0, review_of_window, content.sum(1))
    head_bias = top.head.bias.expand(n_reviews)
    return torch.where(counts > 0, sums / counts.clamp(min=1.0), head_bias)


def fine_tune(
    states: list[list[np.ndarray]],
    inputs: list[EncoderInput],
    y: np.ndarray,
    start_layers: list[Layer],
    heads: int,
    eps: float,
    config: FineTuneConfig,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, np.ndarray]:
    """Train the layers in `start_layers` (initial weights) and a head; return them as `encoder.npz` arrays."""
    torch = _torch()
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    top = _modules(torch)(start_layers, heads, eps, config.dropout)
    decay = [p for n, p in top.layers.named_parameters() if p.ndim == 2]
    no_decay = [p for n, p in top.layers.named_parameters() if p.ndim < 2]
    optimiser = torch.optim.AdamW(
        [
            {"params": decay, "lr": config.layer_lr, "weight_decay": config.weight_decay},
            {"params": no_decay, "lr": config.layer_lr, "weight_decay": 0.0},
            {"params": top.head.parameters(), "lr": config.head_lr, "weight_decay": 0.0},
        ]
    )
    rng = np.random.default_rng(config.seed)
    lengths = np.array([sum(len(o) for o in inp.owners) for inp in inputs])
    steps_per_epoch = math.ceil(len(y) / config.batch_reviews)
    total = steps_per_epoch * config.epochs
    warm = max(1, int(config.warmup * total))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    target = torch.from_numpy(np.asarray(y, dtype=np.float32))
    step = 0
    for epoch in range(config.epochs):
        top.train()
        running = 0.0
        for reviews in _batches(lengths, config.batch_reviews, rng):
            batch = _collate(torch, states, inputs, reviews)
            loss = loss_fn(review_logits(torch, top, batch, len(reviews)), target[reviews])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
            running += loss.item()
            step += 1
            if step % 50 == 0:
                log(f"epoch {epoch + 1}/{config.epochs} step {step}/{total} loss {running / 50:.4f}")
                running = 0.0
    return _export(top)


def _export(top) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    for j, layer in enumerate(top.layers):
        for name, (module, kind) in _PARAMETER.items():
            arrays[f"top{j}.{name}"] = getattr(getattr(layer, module), kind).detach().numpy().copy()
    arrays["head_w"] = top.head.weight.detach().numpy().ravel().copy()
    arrays["head_b"] = top.head.bias.detach().numpy().copy()
    return arrays
