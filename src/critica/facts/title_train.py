"""Training the film-title tagger: distant and silver labels, spaCy's own training loop.

Where the labels come from (nothing here is annotated by hand for training):

- **distant supervision**: every MuchoCine review names its film in the `film`
  column; its occurrences in the review's own text (the whole title, or the
  part before a colon, accent- and case-insensitively) are FILM spans;
- **silver**: the quoted-title rule (precision 0.90 on gold_dev) on MuchoCine
  and IMDB-es reviews;
- **es-movie**: the automatically annotated articles (noisy labels); its
  hand-labelled train file is the development set spaCy selects the model on,
  together with critica's own dev annotations; its test file is never read here.

Only the training parts of the corpora are used (`critica.corpora`: MuchoCine
folds 0–3, IMDB-es outside its held-out fifth). A distant label says where a
title *is*, not where none is: a capitalised word that no label covers could
be another film, so it is left **missing** (spaCy learns nothing from it), and
only lower-case words outside quotes, and the names of people that the
credited-person rules found, are taught as "not a title".
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from critica import corpora

LABEL = "FILM"
_QUOTES = "\"“”«»‘’'?"
_CREDITED_RULES = ("person.credited", "person.listed", "person.character_pair")
_NOT_TITLE_ENTS = ("PER", "LOC", "ORG")  # spaCy's MISC is where it puts most titles: left missing
_SILVER_VERSION = 2


def fold_chars(text: str) -> str:
    """Lower-case, accents removed, one character for one character (so offsets stay valid)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def title_forms(title: str) -> list[str]:
    """The ways a review names its film: the whole title, the part before a colon, without brackets."""
    title = re.sub(r"\s*\([^)]*\)", "", title).strip()
    forms = {title}
    for sep in (":", " - ", "."):
        head = title.split(sep)[0].strip()
        if len(head) >= 4:
            forms.add(head)
    return sorted((f for f in forms if f), key=len, reverse=True)


@lru_cache(maxsize=65536)
def _common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "es") >= 3.5


def find_title(text: str, title: str) -> list[tuple[int, int]]:
    """Where a review names its own film (whole words; a title of common words only when capitalised or quoted)."""
    folded = fold_chars(text)
    spans: list[tuple[int, int]] = []
    for form in title_forms(title):
        key = fold_chars(form)
        plain = all(_common(w) for w in re.findall(r"\w+", form)) or len(key) < 3
        for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", folded):
            a, b = m.span()
            if any(a < d and c < b for c, d in spans):
                continue
            quoted = a > 0 and text[a - 1] in _QUOTES
            if plain and not (quoted or (text[a].isupper() and not _sentence_start(text, a))):
                continue
            spans.append((a, b))
    return sorted(spans)


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?¿¡:\n"


@dataclass
class Labelled:
    """A text with FILM spans, the spans known not to be titles, and whether unlabelled capitals are O."""

    text: str
    films: list[tuple[int, int]]
    not_films: list[tuple[int, int]]
    complete: bool = False  # every title is labelled (es-movie's hand labels, critica's dev annotations)


def silver(texts: Iterable[tuple[str, str]]) -> Iterator[tuple[str, list[tuple[int, int]], list[tuple[int, int]]]]:
    """For each (id, text): the quoted-rule film spans and the credited people's spans (clean = raw offsets)."""
    from critica.facts.stage import find_facts
    from critica.text import prepare
    from critica.text.nlp import spanish_nlp

    rows = list(texts)
    docs = [prepare(text) for _, text in rows]
    parses = spanish_nlp().pipe((d.text for d in docs), batch_size=16)
    for (rid, _), doc, parse in zip(rows, docs, parses, strict=True):
        doc.use_parse(parse)
        found = find_facts(doc)
        films = [(f.start, f.end) for f in found.films if f.rule == "film.quoted"]
        people = [(m.start, m.end) for p in found.people if p.rule in _CREDITED_RULES for m in p.mentions]
        names = [(e.start_char, e.end_char) for e in parse.ents if e.label_ in _NOT_TITLE_ENTS]
        # Offsets are in the clean text; keep only those whose clean text equals the raw text there.
        yield rid, _same_in_raw(doc, films), _same_in_raw(doc, people) + _same_in_raw(doc, names)


def _same_in_raw(doc, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a, b in spans:
        ra, rb = doc.clean.to_original(a, b)
        if doc.original[ra:rb] == doc.text[a:b]:
            out.append((ra, rb))
    return out


def silver_cache(root: Path, cache: Path) -> dict[str, dict[str, list]]:
    """Silver labels of the training reviews, computed once and kept in `cache` (JSONL) to resume."""
    done: dict[str, dict[str, list]] = {}
    if cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("version") == _SILVER_VERSION:
                done[row["id"]] = row
    todo = [(r.id, r.text) for r in training_reviews(root) if r.id not in done]
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("a", encoding="utf-8") as out:
        for rid, films, people in silver(todo):
            row = {"id": rid, "films": films, "people": people, "version": _SILVER_VERSION}
            done[rid] = row
            out.write(json.dumps(row) + "\n")
    return done


def training_reviews(root: Path) -> list[corpora.Row]:
    """MuchoCine reviews of the training folds and IMDB-es reviews outside the held-out fifth."""
    return [r for r in corpora.muchocine(root) if not r.test] + [r for r in corpora.imdb_es(root) if not r.test]


def review_examples(root: Path, cache: Path) -> list[Labelled]:
    """Distant (MuchoCine film column) plus silver labels over the training reviews."""
    labels = silver_cache(root, cache)
    out = []
    for row in training_reviews(root):
        s = labels[row.id]
        films = [tuple(x) for x in s["films"]]
        if row.id.startswith("mc"):
            films += [span for span in find_title(row.text, row.group) if not _overlaps(span, films)]
        names = [tuple(x) for x in s["people"] if not _overlaps(tuple(x), films)]
        out.append(Labelled(row.text, sorted(films), names))
    return out


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < d and c < span[1] for c, d in spans)


def es_movie_examples(root: Path, name: str, complete: bool) -> list[Labelled]:
    """es-movie articles of one file, detokenised, with their MOVIE spans."""
    out: list[Labelled] = []
    words: list[tuple[str, str]] = []
    for line in [*(root / "es_movie" / name).read_text(encoding="utf-8").splitlines(), "https://end"]:
        parts = line.split("\t")
        token = parts[0].strip()
        if not token:
            continue
        if token.startswith("https://"):
            if words:
                out.append(_join(words, complete))
            words = []
        else:
            words.append((token, parts[1].strip() if len(parts) > 1 else "O"))
    return out


def _join(words: list[tuple[str, str]], complete: bool) -> Labelled:
    text, spans, current = "", [], None
    for token, tag in words:
        glue = "" if not text or re.fullmatch(r"[.,;:!?)\]»]", token) or text[-1] in "([«¿¡" else " "
        text += glue
        start = len(text)
        text += token
        if tag.startswith("B-"):
            current = [start, len(text)]
            spans.append(current)
        elif tag.startswith("I-") and current is not None:
            current[1] = len(text)
        else:
            current = None
    return Labelled(text, [tuple(s) for s in spans], [], complete)


def annotation_examples(root: Path, part: str) -> list[Labelled]:
    """critica's own annotations of one part: every occurrence of each annotated title is a FILM span."""
    from critica.evaluation.annotations import load_annotations
    from critica.facts.films import occurrences

    out = []
    for gold, text in load_annotations(root=root, part=part):
        spans: list[tuple[int, int]] = []
        for film in sorted(gold["films"], key=lambda f: -len(f["title"])):
            spans += [s for s in occurrences(film["title"], text) if not _overlaps(s, spans)]
        out.append(Labelled(text, sorted(spans), [], complete=True))
    return out


def to_doc(nlp, example: Labelled, unknown_capitals: str = "missing"):
    """A spaCy Doc whose entities are the FILM spans.

    Unknown capitalised tokens are left missing (`unknown_capitals="missing"`) or taught as not a
    title ("outside"); quoted tokens are always missing unless the example is complete.
    """
    from spacy.tokens import Span

    doc = nlp.make_doc(example.text)
    ents, covered = [], set()
    for a, b in example.films:
        span = doc.char_span(a, b, label=LABEL, alignment_mode="expand")
        if span is not None and not covered & set(range(span.start, span.end)):
            ents.append(span)
            covered |= set(range(span.start, span.end))
    not_films = {t.i for a, b in example.not_films for t in (doc.char_span(a, b, alignment_mode="expand") or [])}
    in_quotes = _quoted_tokens(doc)
    missing = []
    for token in doc:
        if token.i in covered or token.i in not_films or example.complete:
            continue
        if token.i in in_quotes:
            missing.append(Span(doc, token.i, token.i + 1))
        elif unknown_capitals == "missing" and (token.is_title or token.is_upper or token.is_digit):
            opening = token.i == 0 or doc[token.i - 1].text in ".!?¿¡:;\n"
            if not (opening and _common(token.text) and not doc[min(token.i + 1, len(doc) - 1)].is_title):
                missing.append(Span(doc, token.i, token.i + 1))
    doc.set_ents(ents, missing=missing, default="outside")
    return doc


def _quoted_tokens(doc) -> set[int]:
    inside, tokens = False, set()
    for token in doc:
        if token.text in ('"', "“", "”", "«", "»"):
            inside = not inside if token.text == '"' else token.text in ("“", "«")
            continue
        if inside:
            tokens.add(token.i)
    return tokens


def write_corpora(root: Path, work: Path, seed: int = 0, unknown_capitals: str = "missing") -> tuple[Path, Path]:
    """train.spacy and dev.spacy under `work` (the silver cache too, so a rerun resumes)."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("es")
    train = review_examples(root, work / "silver.jsonl")
    auto = es_movie_examples(root, "es-movie_unlabeled_autom-annotated.txt", complete=True)
    dev = es_movie_examples(root, "es-movie_first1500tokens.train", complete=True) + annotation_examples(root, "dev")
    random.Random(seed).shuffle(train)
    paths = {}
    for name, examples in (("train", train + auto * 3), ("dev", dev)):
        bin_ = DocBin(store_user_data=False)
        for example in examples:
            bin_.add(to_doc(nlp, example, unknown_capitals))
        paths[name] = work / f"{name}.spacy"
        bin_.to_disk(paths[name])
    return paths["train"], paths["dev"]


CONFIG_OVERRIDES = {
    "training.max_epochs": 4,
    "training.patience": 2000,
    "training.eval_frequency": 400,
    "training.seed": 0,
    "system.seed": 0,
    "nlp.batch_size": 64,
}


def train_title_tagger(
    root: Path, out: Path, work: Path, epochs: int | None = None, unknown_capitals: str = "missing"
) -> Path:
    """Build the corpora and train the tagger with `spacy train`; returns the best model's folder."""
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train

    work.mkdir(parents=True, exist_ok=True)
    train_path, dev_path = write_corpora(root, work, unknown_capitals=unknown_capitals)
    config = init_config(lang="es", pipeline=["ner"], optimize="efficiency", gpu=False)
    config_path = work / "config.cfg"
    config.to_disk(config_path)
    overrides = {**CONFIG_OVERRIDES, "paths.train": str(train_path), "paths.dev": str(dev_path)}
    if epochs is not None:
        overrides["training.max_epochs"] = epochs
    train(config_path, work / "output", overrides=overrides)
    best = work / "output" / "model-best"
    _install(best, out)
    return out


def _install(best: Path, out: Path) -> None:
    """Copy the best model into the package, without the training-only files."""
    import shutil

    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(best, out)
