"""wordfreq's English and Spanish lists as sorted, memory-mapped tables: the same numbers, less memory.

wordfreq reads a list into a Python dict on first use, about 33 MB and 0.15 s per list in
every process, and critica reads three: English and Spanish frequencies (facts, the
translation signals) and the Spanish list folded into the quality lexicon with its one-edit
index (another 76 MB and 0.6 s) — measured, about 180 MB and a second per process. Here each
table is built once per machine from the installed wordfreq data into NumPy files under
`critica.cache.cache_dir()`, then mapped read-only: a process reads only the pages its
look-ups touch, and every process on the machine (batch workers, the service's analysis
processes) shares them. Where the cache cannot be written, the tables are built in memory.

`zipf(word, lang)` equals `wordfreq.zipf_frequency(word, lang)` (tested word by word). A word
that is one plain lower-case token is looked up directly; any other goes through wordfreq's
own tokeniser first, then the same table.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from critica.cache import cache_dir
from critica.text.fold import fold

BUILD_VERSION = 1
LANGUAGES = ("en", "es")  # both have wordfreq's "large" list, which is what "best" reads for them
COMMON_ZIPF = 3.0  # the quality lexicon's typos are measured against words at least this common
_UNKNOWN = 1e-9  # what `zipf_frequency(..., minimum=0)` gives an unknown word (zipf 0)


class WordTable:
    """Sorted unique words (UTF-8, fixed width) with one small integer each."""

    def __init__(self, words: np.ndarray, values: np.ndarray) -> None:
        if words.dtype.kind != "S" or len(words) != len(values):
            raise ValueError("a word table is a bytes array and one value per word")
        self.words, self.values = words, values
        self._width = words.dtype.itemsize

    @classmethod
    def of(cls, mapping: dict[str, int], dtype: type = np.int16) -> WordTable:
        """A table of `mapping`'s words and values."""
        rows = sorted((w.encode(), v) for w, v in mapping.items())
        width = max((len(k) for k, _ in rows), default=1)
        words = np.array([k for k, _ in rows], dtype=f"S{width}")
        return cls(words, np.array([v for _, v in rows], dtype=dtype))

    def __len__(self) -> int:
        return len(self.words)

    def find(self, word: str) -> int:
        """The word's row, or -1."""
        key = word.encode()
        if not key or len(key) > self._width:  # longer than every word: numpy would compare a truncation
            return -1
        row = int(np.searchsorted(self.words, key))
        return row if row < len(self.words) and self.words[row] == key else -1

    def get(self, word: str, default: int = -1) -> int:
        """The word's value, or `default`."""
        row = self.find(word)
        return default if row < 0 else int(self.values[row])

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.find(word) >= 0

    def any_of(self, words: Iterable[str], min_value: int | None = None) -> bool:
        """Whether any of `words` is in the table (with a value ≥ `min_value`, when given)."""
        keys = [k for k in (w.encode() for w in words) if k and len(k) <= self._width]
        if not keys:
            return False
        wanted = np.array(keys, dtype=self.words.dtype)
        rows = np.minimum(np.searchsorted(self.words, wanted), len(self.words) - 1)
        hits = self.words[rows] == wanted
        if min_value is not None:
            hits &= self.values[rows] >= min_value
        return bool(hits.any())


def zipf(word: str, lang: str) -> float:
    """`wordfreq.zipf_frequency(word, lang)`, read from critica's table (see the module doc)."""
    if lang not in LANGUAGES:
        from wordfreq import zipf_frequency

        return zipf_frequency(word, lang)
    freq = _frequency(word, lang)
    return round(math.log(freq, 10) + 9, 2)


def _frequency(word: str, lang: str) -> float:
    """Wordfreq's `word_frequency(word, lang, minimum=1e-9)`: tokens' 1/f summed, three digits kept."""
    if _one_plain_token(word):
        tokens = [(word, word)]
    else:
        from wordfreq.numbers import smash_numbers
        from wordfreq.tokens import lossy_tokenize

        tokens = [(token, smash_numbers(token)) for token in lossy_tokenize(word, lang)]
    if not tokens:
        return _UNKNOWN
    table, inverse = frequencies(lang), 0.0
    for token, smashed in tokens:  # a digit sequence is looked up as zeros, then weighed by its digits
        centibels = table.get(smashed)
        if centibels < 0:
            return _UNKNOWN  # one unknown token makes the whole word unknown, as in wordfreq
        freq = 10 ** (-centibels / 100)
        if smashed != token:
            from wordfreq.numbers import digit_freq

            freq *= digit_freq(token)
        inverse += 1.0 / freq
    freq = max(1.0 / inverse, _UNKNOWN)
    return round(freq, math.floor(-math.log(freq, 10)) + 3)


def _one_plain_token(word: str) -> bool:
    # wordfreq's tokeniser returns such a word unchanged (lower case, NFC, Latin letters only).
    return (
        word.isalpha() and word.casefold() == word and max(word) < "\u0250" and unicodedata.is_normalized("NFC", word)
    )


def frequencies(lang: str) -> WordTable:
    """The language's large list: each word's frequency as positive centibels (f = 10^(−cB/100))."""
    return _tables()[lang]


def spanish_lexicon() -> WordTable:
    """The Spanish list's words accent-folded; value 1 for a common word (zipf ≥ COMMON_ZIPF), else 0."""
    return _tables()["es-folded"]


def spanish_deletions() -> WordTable:
    """Every common folded Spanish word of ≥ 4 letters with one letter dropped (value unused)."""
    return _tables()["es-deletions"]


# -- building -------------------------------------------------------------------


@lru_cache(maxsize=1)  # the one cache of this module: every table comes from this dict
def _tables() -> dict[str, WordTable]:
    sources = _wordfreq_files()
    stamps = [_stamp(p) for p in sources]
    key = hashlib.sha256(json.dumps([BUILD_VERSION, COMMON_ZIPF, stamps]).encode()).hexdigest()[:16]
    folder = cache_dir() / f"wordlists-{key}"
    for attempt in range(2):
        try:
            if not (folder / "manifest.json").exists():
                _write(folder, _build(sources))
            return _read(folder)
        except (OSError, ValueError, KeyError):
            if attempt == 0:  # a damaged copy: built again once, in a fresh folder
                shutil.rmtree(folder, ignore_errors=True)
    return _build(sources)  # a cache nobody can write (a read-only home): the tables live in this process


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()  # a reinstalled or upgraded wordfreq changes size or time: a new key
    return path.name, stat.st_size, stat.st_mtime_ns


def _wordfreq_files() -> list[Path]:
    spec = importlib.util.find_spec("wordfreq")  # finds the package without importing it (langcodes: 0.1 s)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("wordfreq is not installed; run `make setup`")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return [data / f"large_{lang}.msgpack.gz" for lang in LANGUAGES]


def _build(sources: list[Path]) -> dict[str, WordTable]:
    from wordfreq import read_cBpack

    tables: dict[str, WordTable] = {}
    for lang, source in zip(LANGUAGES, sources, strict=True):
        centibels: dict[str, int] = {}
        for index, bucket in enumerate(read_cBpack(str(source))):
            for w in bucket:
                centibels[w] = index  # a later bucket wins, as in wordfreq's own dict
        tables[lang] = WordTable.of(centibels)
    common_below = (9 - COMMON_ZIPF) * 100  # zipf = 9 − cB/100
    spanish = {w: int(cb <= common_below) for w, cb in _items(tables["es"])}
    folded: dict[str, int] = {}
    for w, common in spanish.items():
        f = fold(w)
        folded[f] = max(folded.get(f, 0), common)
    tables["es-folded"] = WordTable.of(folded, np.uint8)
    deletions = {w[:i] + w[i + 1 :]: 0 for w, c in folded.items() if c and len(w) >= 4 for i in range(len(w))}
    tables["es-deletions"] = WordTable.of(deletions, np.uint8)
    return tables


def _items(table: WordTable) -> Iterable[tuple[str, int]]:
    return ((w.decode(), int(v)) for w, v in zip(table.words.tolist(), table.values.tolist(), strict=True))


def _write(folder: Path, tables: dict[str, WordTable]) -> None:
    """Write every table, then the manifest, in a new folder renamed into place (all or nothing)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-wordlists-"))
    try:
        for name, table in tables.items():
            np.save(staging / f"{name}.words.npy", table.words)
            np.save(staging / f"{name}.values.npy", table.values)
        (staging / "manifest.json").write_text(json.dumps(sorted(tables)), encoding="utf-8")
        try:
            os.rename(staging, folder)
        except OSError:
            if not (folder / "manifest.json").exists():  # not another process's finished copy: a real failure
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _read(folder: Path) -> dict[str, WordTable]:
    names = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {
        name: WordTable(
            np.load(folder / f"{name}.words.npy", mmap_mode="r"), np.load(folder / f"{name}.values.npy", mmap_mode="r")
        )
        for name in names
    }
