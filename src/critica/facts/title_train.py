"""Training the film-title tagger (critica/facts/title_spans.py) from labels nobody wrote by hand.

Where the labels come from:

- **distant supervision**: every MuchoCine review names its film in the `film`
  column; its occurrences in the review's own text (the whole title, or the
  part before a colon, accent- and case-insensitively; a title of ordinary
  words only when capitalised mid-sentence or quoted) are titles;
- **the training films as a catalogue**: the same titles found in *any*
  training review (MuchoCine or IMDB-es), where a review names other films
  than its own; only forms that cannot be ordinary words, capitalised or
  quoted, and never over a spaCy person (`TitleCatalogue`);
- **silver**: the quoted-title rule (precision 0.90 on gold_dev) on MuchoCine
  and IMDB-es reviews;
- **es-movie**: the automatically annotated news articles (noisy, but every
  title of them is labelled).

(`critica train-titles` hands in critica's own dev annotations for choosing the threshold.)

Only the training parts of the corpora are used (`critica.corpora`: MuchoCine
folds 0–3, IMDB-es outside its held-out fifth). The threshold is chosen on
es-movie's hand-labelled train file and critica's own dev annotations; the
es-movie test file and critica's test annotations are never read here.

A distant label says where a title *is*, not where none is: a candidate span
that no label covers could be another film, so it counts as "not a title" with
a weight of 0.3; a person or place of spaCy's NER, or a wrong boundary of a
labelled title, counts fully.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from critica import corpora
from critica.text.wordlists import zipf

# spaCy's entities of the training reviews, cached by `critica train-titles` (the default work folder)
# and shared with `train-credits` and `train-reviewed`.
ENTITIES = Path(".cache/titles/work/entities.jsonl")

_QUOTES = "\"“”«»‘’'?"
# spaCy's small Spanish NER files many titles under MISC or ORG: only its people and places count as "not".
_NOT_TITLE_ENTS = ("PER", "LOC")


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
    return zipf(word.lower(), "es") >= 3.5


def find_title(text: str, title: str) -> list[tuple[int, int]]:
    """Where a review names its own film (whole words; a title of common words only when capitalised or quoted)."""
    folded = fold_chars(text)
    spans: list[tuple[int, int]] = []
    for form in title_forms(title):
        key = fold_chars(form)
        plain = all(_common(w) for w in re.findall(r"\w+", form)) or len(key) < 3
        for a, b in _whole_words(folded, key):
            if _overlaps((a, b), spans):
                continue
            if plain and not (_quoted(text, a) or (text[a].isupper() and not _sentence_start(text, a))):
                continue
            spans.append((a, b))
    return sorted(spans)


def _whole_words(folded: str, key: str) -> list[tuple[int, int]]:
    """Where `key` occurs in the folded text as whole words."""
    return [m.span() for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", folded)]


def _quoted(text: str, at: int) -> bool:
    return at > 0 and text[at - 1] in _QUOTES


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?¿¡:\n"


@dataclass
class Labelled:
    """A text with its title spans (all of them when `complete`)."""

    text: str
    films: list[tuple[int, int]]
    complete: bool = False  # every title is labelled (es-movie's hand labels, critica's dev annotations)


def training_reviews(root: Path) -> list[corpora.Row]:
    """MuchoCine reviews of the training folds and IMDB-es reviews outside the held-out fifth."""
    return [r for r in corpora.muchocine(root) if not r.test] + [r for r in corpora.imdb_es(root) if not r.test]


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < d and c < span[1] for c, d in spans)


def es_movie_examples(root: Path, name: str, complete: bool) -> list[Labelled]:
    """es-movie articles of one file, detokenised, with their MOVIE spans."""
    return bio_examples(root / "es_movie" / name, complete)


def bio_examples(path: Path, complete: bool) -> list[Labelled]:
    """The articles of a BIO-tagged token file (one `token<TAB>tag` a line, a URL opening each article)."""
    out: list[Labelled] = []
    words: list[tuple[str, str]] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), "https://end"]:
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
    return Labelled(text, [tuple(s) for s in spans], complete)


UNLABELLED_WEIGHT = 0.3  # a capitalised run no label covers: probably not a title, but it could be one
POSITIVE_WEIGHT = 5.0  # titles are 1 candidate in 75: weighted up so the model does not just say "no"
SPAN_C = 0.5


@dataclass
class SpanText:
    """A clean text with its spaCy entities and its title spans (all of them when `complete`)."""

    text: str
    ents: list[tuple[int, int, str]]
    films: list[tuple[int, int]]
    complete: bool = False


def _entities(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    from critica.text.nlp import spanish_nlp

    nlp = spanish_nlp()
    keep = {"ner"}
    disable = [name for name in nlp.pipe_names if name not in keep]  # the NER has its own tok2vec
    return [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=32, disable=disable)
    ]


def span_texts(root: Path, cache: Path, leave_out_fold: int | None = None) -> list[SpanText]:
    """Training reviews as clean text, with distant and quoted titles and spaCy's entities (cached).

    `leave_out_fold`: without that MuchoCine fold's reviews, and without its films in the catalogue
    (the reviewed-film chooser trains on candidates of a tagger that never saw the review's film).
    """
    from critica.facts.quotes import quoted_titles
    from critica.text import prepare

    reviews = [r for r in training_reviews(root) if leave_out_fold is None or r.fold != leave_out_fold]
    cleans = [prepare(r.text).text for r in reviews]
    ents = cached_entities(cleans, [r.id for r in reviews], cache)
    catalogue = TitleCatalogue(sorted({r.group for r in reviews if r.id.startswith("mc")}))
    out = []
    for row, clean, found in zip(reviews, cleans, ents, strict=True):
        films = [(a, b) for _, a, b in quoted_titles(clean)]
        if row.id.startswith("mc"):
            films += [s for s in find_title(clean, row.group) if not _overlaps(s, films)]
        people = [(a, b) for a, b, label in found if label == "PER"]
        films += [s for s in catalogue.find(clean) if not _overlaps(s, films) and not _overlaps(s, people)]
        out.append(SpanText(clean, found, sorted(films)))
    return out


class TitleCatalogue:
    """The training films' titles, found in any training review (not only in the film's own reviews).

    A review names other films as often as its own ("la nueva de los de Supersalidos"); MuchoCine's
    `film` column, over the training folds, lists about 800 of them. Only forms that cannot be an
    ordinary word count: two words or more, or one uncommon word of four letters or more ("Él",
    "Tierra", "Remake" are left out), found capitalised or quoted; a title that spaCy reads as a
    person in a review ("Capote", "Ray") is left out of that review's labels.
    """

    def __init__(self, titles: list[str]) -> None:
        self.forms = sorted({f for t in titles for f in title_forms(t) if _distinctive(f)}, key=len, reverse=True)
        self.keys = [fold_chars(f) for f in self.forms]

    def find(self, text: str) -> list[tuple[int, int]]:
        """Every span of `text` that names one of the titles, longest forms first."""
        folded = fold_chars(text)
        spans: list[tuple[int, int]] = []
        for key in self.keys:
            if key not in folded:  # a substring test first: most titles are absent
                continue
            for a, b in _whole_words(folded, key):
                shaped = text[a].isupper() or text[a].isdigit() or _quoted(text, a)
                if shaped and not _overlaps((a, b), spans):
                    spans.append((a, b))
        return sorted(spans)


def _distinctive(form: str) -> bool:
    words = re.findall(r"\w+", form)
    if len(words) >= 2:
        return not all(_common(w) for w in words) or len(words) >= 3
    return len(words) == 1 and len(words[0]) >= 4 and not _common(words[0])


def cached_entities(texts: list[str], ids: list[str], cache: Path) -> list[list[tuple[int, int, str]]]:
    """The entities spaCy finds in each text, read from the `cache` file by id, computed (and cached) for the rest."""
    done: dict[str, list] = {}
    if cache.exists():
        done = {r["id"]: r["ents"] for r in map(json.loads, cache.read_text(encoding="utf-8").splitlines())}
    todo = [i for i, rid in enumerate(ids) if rid not in done]
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("a", encoding="utf-8") as out:
        for start in range(0, len(todo), 256):  # written in chunks: an interrupted run resumes
            chunk = todo[start : start + 256]
            for i, found in zip(chunk, _entities([texts[i] for i in chunk]), strict=True):
                done[ids[i]] = found
                out.write(json.dumps({"id": ids[i], "ents": found}) + "\n")
            out.flush()
    return [[tuple(e) for e in done[rid]] for rid in ids]


def labelled_spans(example: SpanText) -> tuple[list[list[str]], list[int], list[float]]:
    """Features, labels and weights of one text's candidates."""
    from critica.facts.title_spans import TextFeatures, candidates, features, tokenise

    films = set(example.films)
    names = [(a, b) for a, b, label in example.ents if label in _NOT_TITLE_ENTS]
    x, y, w = [], [], []
    tokens = tokenise(example.text)
    doc = TextFeatures.of(example.text, example.ents, tokens)
    for cand in candidates(example.text, tokens):
        span = (cand.start, cand.end)
        if span in films:
            label, weight = 1, POSITIVE_WEIGHT
        elif _overlaps(span, films) or any(a <= span[0] and span[1] <= b for a, b in names) or example.complete:
            label, weight = 0, 1.0  # a wrong boundary of a title, a person or a place, or a fully labelled text
        else:
            label, weight = 0, UNLABELLED_WEIGHT
        x.append(features(doc, cand))
        y.append(label)
        w.append(weight)
    return x, y, w


def _with_entities(examples: list[Labelled]) -> list[SpanText]:
    ents = _entities([e.text for e in examples])
    return [SpanText(e.text, found, list(e.films), e.complete) for e, found in zip(examples, ents, strict=True)]


def train_span_tagger(
    root: Path, out: Path, work: Path, dev_texts: Iterable[Labelled] = (), encoder: bool = True
) -> dict:
    """Fit the span classifier, choose its threshold on the dev texts, write it to `out`.

    `encoder`: also stack the encoder's reader on it (`train_encoder_reader`; about 6 minutes
    of encoder work the first time, cached under `work`).

    The dev texts are es-movie's hand-labelled train file plus `dev_texts` (the CLI passes
    critica's own dev annotations, `critica.evaluation.annotations.title_examples`).
    """
    from critica.facts.title_spans import TitleTagger

    train = span_texts(root, work / "entities.jsonl")
    train += _with_entities(es_movie_examples(root, "es-movie_unlabeled_autom-annotated.txt", complete=True))
    rows, x, y, w, meta = fit_hashed_tagger(train, out)
    dev = _with_entities(es_movie_examples(root, "es-movie_first1500tokens.train", complete=True) + list(dev_texts))
    meta["threshold"], meta["dev"] = choose_threshold(TitleTagger(out), dev)
    (out / "model.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    if encoder:
        reader_meta = train_encoder_reader(train, rows, x, y, w, out, work)
        runner = reader_meta.pop("runner")
        reader_meta["threshold"], reader_meta["dev"] = choose_threshold(
            TitleTagger(out), dev, [encoded_pieces(t.text, runner) for t in dev]
        )
        meta["encoder"] = reader_meta
        (out / "model.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    else:
        (out / "encoder.npz").unlink(missing_ok=True)  # a reader of an older tagger would not fit this one
    return meta


def fit_hashed_tagger(train: list[SpanText], out: Path, threshold: float = 0.5) -> tuple:
    """Fit the span classifier on `train` and write it to `out` (threshold `threshold`).

    Returns the labelled rows and the hashed matrix, labels and weights, which the encoder reader
    reuses, and the written `model.json` as a dict.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from critica.facts.title_spans import hash_features

    rows = [labelled_spans(t) for t in train]
    x = hash_features(f for r in rows for f in r[0])
    y = np.array([label for r in rows for label in r[1]])
    w = np.array([weight for r in rows for weight in r[2]])
    model = LogisticRegression(C=SPAN_C, max_iter=2000, solver="liblinear", random_state=0)
    model.fit(x, y, sample_weight=w)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "weights.npz", coef=model.coef_[0].astype(np.float32))
    meta = {"intercept": float(model.intercept_[0]), "threshold": threshold, "candidates": len(y)}
    meta["positives"] = int(y.sum())
    (out / "model.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return rows, x, y, w, meta


ENCODER_DEPTHS = (6, 9)  # the polarity probe's layers: the reader's columns ride on its encoder pass
READER_C = 0.0003  # chosen 2026-12-03 on the dev texts and MuchoCine fold 3 held out (MODEL_CARD)
_CHUNK = 250  # texts per cached chunk of encoder features


class _States:
    """The float32 states after ENCODER_DEPTHS of one text read as one sentence (offsets into the text)."""

    def __init__(self) -> None:
        from critica.encoder.forward import E5Encoder
        from critica.encoder.pooled import StatesRunner

        self.encoder = E5Encoder(layers=max(ENCODER_DEPTHS))
        self.run = StatesRunner(self.encoder, ENCODER_DEPTHS)

    def __call__(self, text: str) -> tuple:
        """(starts, ends, states) of the text's pieces.

        Pieces are tokenised word by word, so reading the text as one sentence gives the ids of
        its sentences but where the splitter cuts inside a word ("cinta.Nos").
        """
        import numpy as np

        from critica.encoder.inputs import encoder_input

        inp = encoder_input(self.encoder.tokenizer, [text])
        states, spans = [], []
        for ids, owner, span in zip(inp.windows, inp.owners, inp.spans, strict=True):
            inside = owner >= 0
            states.append(self.run(ids)[inside])
            spans.append(span[inside])
        spans = np.concatenate(spans) if spans else np.zeros((0, 2), np.int32)
        width = len(ENCODER_DEPTHS) * self.encoder.config.hidden
        states = np.concatenate(states) if states else np.zeros((0, width), np.float32)
        return spans[:, 0].astype(np.int64), spans[:, 1].astype(np.int64), states


def encoded_pieces(text: str, reader_and_states: tuple) -> object:
    """A text's `EncodedPieces` as the default tier's encoder would give them (float32 states)."""
    from critica.text import EncodedPieces

    reader, states_of = reader_and_states
    starts, ends, states = states_of(text)
    columns = states @ reader.columns.reshape(-1, reader.columns.shape[-1])
    return EncodedPieces(starts, ends, columns)


def _encoder_features(texts: list[SpanText], work: Path, states_of: _States):
    """Candidates × (3·width) encoder features of every training text, cached in chunks (resumable)."""
    import hashlib

    import numpy as np

    from critica.cache import checkpointed_chunks
    from critica.facts.title_encoder import candidate_states
    from critica.facts.title_spans import candidates, tokenise

    key = hashlib.sha256(repr(ENCODER_DEPTHS).encode())
    for t in texts:
        key.update(t.text.encode() + b"\0")

    def build(start: int, end: int) -> dict[str, np.ndarray]:
        rows = []
        for t in texts[start:end]:
            spans = [(c.start, c.end) for c in candidates(t.text, tokenise(t.text))]
            if spans:
                rows.append(candidate_states(*states_of(t.text), spans).astype(np.float16))
        return {"x": np.concatenate(rows) if rows else np.zeros((0, 1), np.float16)}

    folder = work / f"encoder-{key.hexdigest()[:16]}"

    def log(done: str) -> None:
        print(f"title tagger, encoder features: {done} texts", flush=True)

    parts = [c["x"] for c in checkpointed_chunks(folder, len(texts), _CHUNK, build, log)]
    return np.concatenate([p for p in parts if p.size]).astype(np.float32)


def train_encoder_reader(texts: list[SpanText], rows: list, x, y, w, out: Path, work: Path) -> dict:
    """Stack a logistic regression over the encoder's candidate states on the hashed tagger; write its columns.

    The hashed logit it stacks on is out of fold (two halves of the texts), so that the stack
    weighs it as it does on unseen text. The standardisation is folded into the weights, which
    become the encoder's three output columns (`title_encoder`).
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from critica.facts.title_encoder import COLUMNS, EncoderReader

    text_of = np.concatenate([np.full(len(r[1]), i) for i, r in enumerate(rows)])
    oof = np.zeros(len(y))
    for half in (text_of % 2 == 0, text_of % 2 == 1):
        m = LogisticRegression(C=SPAN_C, max_iter=2000, solver="liblinear", random_state=0)
        m.fit(x[~half], y[~half], sample_weight=w[~half])
        oof[half] = m.decision_function(x[half])
    states_of = _States()  # also what reads the dev texts for the threshold
    feats = _encoder_features(texts, work, states_of)
    if len(feats) != len(y):
        raise RuntimeError(f"encoder features for {len(feats)} candidates, labels for {len(y)}: clear {work}")
    mu = feats.mean(axis=0, dtype=np.float64).astype(np.float32)
    sd = feats.std(axis=0, dtype=np.float64).astype(np.float32) + 1e-6
    feats -= mu
    feats /= sd
    stacked = np.hstack([feats, oof[:, None].astype(np.float32)])
    del feats
    model = LogisticRegression(C=READER_C, max_iter=300, solver="lbfgs")
    model.fit(stacked, y, sample_weight=w)
    coef = model.coef_[0].astype(np.float64)
    dense = coef[:-1] / sd
    bias = float(model.intercept_[0] - dense @ mu)
    hidden = states_of.encoder.config.hidden
    columns = dense.reshape(COLUMNS, len(ENCODER_DEPTHS), hidden).transpose(1, 2, 0)  # depths × hidden × 3
    reader = EncoderReader(ENCODER_DEPTHS, columns.astype(np.float32), float(coef[-1]), bias, 0.5)
    reader.save(out)
    return {"C": READER_C, "hashed_weight": round(float(coef[-1]), 4), "runner": (reader, states_of)}


def choose_threshold(tagger, dev: list[SpanText], pieces: list | None = None) -> tuple[float, dict]:
    """The threshold with the best span F1 on the dev texts (exact spans); with `pieces`, the encoder reader's."""
    from critica.facts.title_spans import select_spans

    pieces = pieces or [None] * len(dev)
    scored = [(t, tagger.scores(t.text, t.ents, p)) for t, p in zip(dev, pieces, strict=True)]
    best = (0.5, {"f1": -1.0})
    for threshold in [i / 20 for i in range(4, 19)]:
        tp = fp = fn = 0
        for t, cands in scored:
            chosen, gold = set(select_spans(cands, threshold)), set(t.films)
            tp += len(gold & chosen)
            fp += len(chosen - gold)
            fn += len(gold - chosen)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[1]["f1"]:
            best = (threshold, {"f1": round(f1, 3), "precision": round(p, 3), "recall": round(r, 3)})
    return best
