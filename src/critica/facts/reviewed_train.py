"""Training the reviewed-film chooser from MuchoCine's film column (`critica train-reviewed`).

Every MuchoCine review says which film it reviews. The facts stage (rules, the title tagger without
the encoder, the credits table) runs over the reviews of the four development folds; each film it
finds is a candidate, labelled positive when it is that review's film (`same_title`: equal titles,
or one containing the other). A logistic regression over `candidate_features` is cross-fitted by
fold (folds are by film), the threshold is the one with the best out-of-fold F1 of the review-level
choice, and the final model is fitted on all four folds. The held-out fold 4 is never read.

The bundled title tagger learned the training films' titles, so on a training review it finds that
review's own film far more often than on a review of a film it never saw; a chooser trained on its
candidates learns to trust a tagged title too much. So the candidates of fold k come from a tagger
refitted without fold k's reviews and films (`title_train.span_texts(leave_out_fold=k)`, the hashed
classifier only, at the bundled tagger's threshold): the chooser sees, on its training reviews,
candidates like those of a review it has never seen.

Fold taggers and the candidates' features are cached in `.cache/reviewed/<key>/` (about 12 minutes
from scratch on 2 cores; `critica.cache.checkpointed_chunks`), keyed by the facts code and models that
produce them, so an interrupted run resumes and a changed rule recomputes. spaCy's entities of the
training reviews are shared with `critica train-titles` (`--work`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from critica.facts.reviewed import FEATURES, ReviewedChooser, candidate_features, reviewed_film
from critica.facts.title_train import ENTITIES

C = 1.0  # of the logistic regression: 0.1 / 1 / 10 within 0.01 F1 out of fold (MODEL_CARD)
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(9))  # 0.20 … 0.60
CHUNK = 200
WORK = Path(".cache/reviewed")  # `critica train-reviewed --work`'s default: fold taggers and candidates


def candidates_key() -> str:
    """A hash of what produces the candidates: the facts package's code and its bundled models."""
    facts = Path(__file__).resolve().parent
    models = facts.parent / "models"
    sources = (
        sorted(facts.glob("*.py"))
        + sorted((models / "film-titles").glob("*"))
        + [models / "film-people" / "credits.json"]
    )
    digest = hashlib.sha1()
    for path in sources:
        if path.is_file() and path.name != "reviewed_train.py":
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def candidate_rows(
    texts: list[str],
    films: list[str],
    tagger: Any,
    folder: Path,
    log: Callable[[str], None] | None = None,
) -> dict[str, np.ndarray]:
    """Features `X`, labels `y`, owning review `review` and the rule's choice `rule` of every candidate.

    `tagger` finds the learned titles (a `TitleTagger`, or None for the rules alone); the chunks are
    cached in `folder`.
    """
    from critica.cache import checkpointed_chunks
    from critica.facts.credits import CreditTable

    credits = CreditTable.load()

    def build(start: int, end: int) -> dict[str, np.ndarray]:
        return _candidates(texts[start:end], films[start:end], tagger, credits, offset=start)

    chunks = checkpointed_chunks(folder, len(texts), CHUNK, build, log)
    return {name: np.concatenate([c[name] for c in chunks]) for name in ("X", "y", "review", "rule")}


def _candidates(texts: list[str], films: list[str], tagger: Any, credits: Any, offset: int) -> dict[str, np.ndarray]:
    from critica.facts.names import same_title
    from critica.facts.stage import find_facts
    from critica.text import prepare
    from critica.text.nlp import spanish_nlp

    docs = [prepare(t) for t in texts]
    X, y, review, rule = [], [], [], []
    parses = spanish_nlp().pipe((d.text for d in docs), batch_size=32)
    for i, (doc, parse) in enumerate(zip(docs, parses, strict=True)):
        doc.use_parse(parse)
        found = find_facts(doc, tagger, credits, chooser=None)
        chosen = reviewed_film(found.films, doc.text)
        for film in found.films:
            values = candidate_features(film, found.films, doc.text)
            X.append([values[name] for name in FEATURES])
            y.append(same_title({"title": film.title, "original_title": film.original_title}, {"title": films[i]}))
            review.append(offset + i)
            rule.append(film is chosen)
    return {
        "X": np.array(X, dtype=np.float64).reshape(-1, len(FEATURES)),
        "y": np.array(y, dtype=bool),
        "review": np.array(review, dtype=np.int64),
        "rule": np.array(rule, dtype=bool),
    }


def fold_tagger(root: Path, fold: int, work: Path, entities: Path, threshold: float) -> Any:
    """The hashed title tagger refitted without MuchoCine fold `fold`, at `threshold` (cached in `work`)."""
    from critica.facts.title_spans import TitleTagger
    from critica.facts.title_train import _with_entities, es_movie_examples, fit_hashed_tagger, span_texts

    folder = work / f"tagger-fold-{fold}"
    if not (folder / "model.json").exists():
        train = span_texts(root, entities, leave_out_fold=fold)
        train += _with_entities(es_movie_examples(root, "es-movie_unlabeled_autom-annotated.txt", complete=True))
        tmp = work / f".tagger-fold-{fold}-{os.getpid()}"
        fit_hashed_tagger(train, tmp, threshold=threshold)
        tmp.replace(folder)
    return TitleTagger(folder)


def cross_fitted_rows(
    rows: list[Any], root: Path, entities: Path, work: Path, log: Callable[[str], None] | None = None
) -> dict[str, np.ndarray]:
    """`candidate_rows` of the development folds' reviews, fold k's from the tagger that never saw fold k.

    Fold taggers and candidate chunks are kept in `work/<key>/` (the facts code and models' hash).
    """
    from critica.facts.title_spans import TitleTagger

    work = work / candidates_key()
    work.mkdir(parents=True, exist_ok=True)
    threshold = TitleTagger().threshold  # the bundled tagger's: each fold tagger stands in for it
    parts = []
    for k in sorted({r.fold for r in rows}):
        index = [i for i, r in enumerate(rows) if r.fold == k]
        if log is not None:
            log(f"fold {k}: a title tagger without its {len(index)} reviews, then their candidates")
        tagger = fold_tagger(root, k, work, entities, threshold)
        part = candidate_rows(
            [rows[i].text for i in index], [rows[i].group for i in index], tagger, work / f"fold-{k}", log
        )
        part["review"] = np.array(index, dtype=np.int64)[part["review"]]
        parts.append(part)
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def choice_scores(y: np.ndarray, review: np.ndarray, picked: np.ndarray, reviews: int) -> dict[str, float]:
    """Review-level precision, recall and F1 of a choice (`picked`: one candidate per review at most).

    Recall counts the reviews where some candidate is the film: what any chooser could get right.
    """
    named = len(np.unique(review[y]))
    right = int((picked & y).sum())
    wrong = int((picked & ~y).sum())
    precision = right / max(right + wrong, 1)
    recall = right / max(named, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "right": right,
        "wrong": wrong,
        "named": named,
        "reviews": reviews,
    }


def pick(probability: np.ndarray, review: np.ndarray, threshold: float) -> np.ndarray:
    """Per review, its most likely candidate when that reaches `threshold` (first in text order on ties)."""
    picked = np.zeros(len(review), dtype=bool)
    for r in np.unique(review):
        where = np.flatnonzero(review == r)
        best = where[np.argmax(probability[where])]
        picked[best] = probability[best] >= threshold
    return picked


def train_chooser(
    root: Path,
    out: Path,
    work: Path = WORK,
    entities: Path = ENTITIES,
    log: Callable[[str], None] = print,
) -> ReviewedChooser:
    """Fit the chooser on MuchoCine's development folds under `root`; write `out/chooser.json`.

    `work`: where fold taggers and candidates are cached (resumable); `entities`: the cache of spaCy's
    entities of the training reviews that `critica train-titles` keeps (built here when missing).
    """
    from sklearn.linear_model import LogisticRegression

    from critica import corpora

    rows = [r for r in corpora.muchocine(root) if not r.test]
    data = cross_fitted_rows(rows, root, entities, work, log)
    X, y, review = data["X"], data["y"], data["review"]
    fold = np.array([rows[i].fold for i in review])
    out_of_fold = np.zeros(len(y))
    for k in sorted(set(fold)):
        model = LogisticRegression(C=C, max_iter=5000).fit(X[fold != k], y[fold != k])
        out_of_fold[fold == k] = model.predict_proba(X[fold == k])[:, 1]
    by_threshold = {t: choice_scores(y, review, pick(out_of_fold, review, t), len(rows)) for t in THRESHOLDS}
    threshold = max(THRESHOLDS, key=lambda t: (by_threshold[t]["f1"], t))
    final = LogisticRegression(C=C, max_iter=5000).fit(X, y)
    report: dict[str, Any] = {
        "trained_on": f"MuchoCine development folds 0-3: {len(rows)} reviews, {len(y)} candidates",
        "candidates_from": "the rules and, per fold, a hashed title tagger refitted without that fold",
        "cross_validation": by_threshold[threshold],
        "rule_cross_validation": choice_scores(y, review, data["rule"], len(rows)),
        "C": C,
    }
    weights = {name: round(float(w), 6) for name, w in zip(FEATURES, final.coef_[0], strict=True)}
    chooser = ReviewedChooser(weights, round(float(final.intercept_[0]), 6), threshold, report)
    chooser.save(out)
    log(f"reviewed-film chooser: threshold {threshold}, out-of-fold {report['cross_validation']}")
    log(f"the rule on the same candidates: {report['rule_cross_validation']}")
    return chooser
