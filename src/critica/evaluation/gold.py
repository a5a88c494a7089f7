"""Scoring facts and aspects against a hand-annotated gold file (shape of shared/data/gold/gold_dev.jsonl).

Matching is forgiving where reviews are: names and titles compare accent-
and case-insensitively, a surname alone matches the full name, a title
matches either the title or the original title.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from critica.facts.names import fold, same_title
from critica.io.readers import UnusableInput, read_reviews


@dataclass
class Score:
    """Precision/recall/F1 counts for one kind of item, with the misses kept for reporting."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """TP / predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / gold."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Rounded figures and counts."""
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def same_person(a: str, b: str) -> bool:
    """Full-name match, or a surname alone matching the full name's surname."""
    fa, fb = fold(a).split(), fold(b).split()
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    return fa[-1] == fb[-1] and (len(fa) == 1 or len(fb) == 1 or fa[0][0] == fb[0][0])


def match(
    pred: list[Any],
    gold: list[Any],
    same: Callable[[Any, Any], bool],
    score: Score,
    describe: Callable[[Any], str],
    review_id: str,
) -> list[tuple[Any, Any]]:
    """Greedy one-to-one matching; updates `score` and returns the matched pairs."""
    free = list(range(len(pred)))
    pairs = []
    for g in gold:
        hit = next((i for i in free if same(pred[i], g)), None)
        if hit is None:
            score.fn += 1
            score.misses.append(f"{review_id}: {describe(g)}")
        else:
            free.remove(hit)
            score.tp += 1
            pairs.append((pred[hit], g))
    score.fp += len(free)
    score.false_alarms.extend(f"{review_id}: {describe(pred[i])}" for i in free)
    return pairs


@dataclass(frozen=True)
class GoldSelection:
    """Which rows of an offsets annotation file to score (critica's own `data/gold/annotations.jsonl`)."""

    part: str | None = None  # dev / test / None for both
    corpus: str | None = None  # muchocine / imdb_es / None for both
    root: Path | None = None  # the shared data folder the offsets point into


def load_gold(
    gold_path: Path, texts_path: Path | None, selection: GoldSelection | None = None
) -> list[tuple[dict[str, Any], str]]:
    """Gold rows with their review text.

    The text comes from the row's `review` field, the --texts file by id, or,
    for an offsets annotation file, the public corpus it points into.
    """
    from critica.evaluation.annotations import is_annotation_file, load_annotations

    if is_annotation_file(gold_path):
        from critica.corpora import DEFAULT_ROOT

        chosen = selection or GoldSelection()
        return load_annotations(gold_path, chosen.root or DEFAULT_ROOT, chosen.part, chosen.corpus)
    rows = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts: dict[str, str] = {}
    if texts_path is not None:
        texts = {r.id: r.text for r in read_reviews(texts_path) if r.id and isinstance(r.text, str)}
    out = []
    for row in rows:
        text = row.get("review") or texts.get(row["id"])
        if text is None:
            raise UnusableInput(
                f"{gold_path}: no text for review {row['id']}; pass --texts FILE with id,review columns"
            )
        out.append((row, text))
    return out


def evaluate_facts_file(
    gold_path: Path,
    texts_path: Path | None,
    by_rule: bool = False,
    selection: GoldSelection | None = None,
    tagger: Any = None,
    credits: Any = None,
    encode: Any = None,
    chooser: Any = None,
) -> dict[str, Score]:
    """Run fact extraction on every gold review and score it (or, `by_rule`, score each named rule alone).

    `tagger`: the learned title tagger to add to the rules (None: the rules alone); `credits`: the
    credits table mined from the training reviews (None: the review's own words alone);
    `encode(doc)`: the default tier's encoder pass before the facts, as the pipeline runs it
    (`critica.sentiment.stage.explain`; None: the fast tier's facts); `chooser`: the learned
    reviewed-film chooser (None: the hand rule).
    """
    from critica.facts.stage import find_facts
    from critica.text import prepare

    rows = []
    for gold, text in load_gold(gold_path, texts_path, selection):
        doc = prepare(text)
        if encode is not None:
            encode(doc)
        found = find_facts(doc, tagger, credits, chooser)
        rows.append((gold, asdict(found.to_contract(doc)), found.rule_hits()))
    if by_rule:
        return score_rules(rows)
    return score_facts((gold, facts) for gold, facts, _ in rows)


def score_rules(rows: Iterable[tuple[dict[str, Any], dict[str, Any], list[Any]]]) -> dict[str, Score]:
    """Each rule of critica/facts/rules.py alone: its facts against every gold fact of their kind.

    Precision says how often the rule is right; recall, how much of the gold it finds by itself.
    """
    from critica.facts.rules import RULES

    scores = {rule.id: Score() for rule in RULES}
    for gold, facts, hits in rows:
        for rule in RULES:
            produced = [facts[h.kind][h.index] for h in hits if h.rule == rule.id]
            _match_kind(rule.produces, produced, gold, scores[rule.id])
    return scores


def _match_kind(kind: str, pred: list[dict[str, Any]], gold: dict[str, Any], score: Score) -> list[tuple[Any, Any]]:
    """Match predicted films, people or awards against the gold row's list of that kind."""
    same, describe = _KINDS[kind]
    return match(pred, gold[kind], same, score, describe, gold["id"])


def score_facts(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Score]:
    """Score predicted `facts` against gold rows: people, roles, characters, films, the reviewed film, years, awards."""
    kinds = ("people", "people_with_roles", "characters", "films", "reviewed_film", "years", "awards")
    scores = {k: Score() for k in kinds}
    for gold, facts in pairs:
        rid = gold["id"]
        people = _match_kind("people", facts["people"], gold, scores["people"])
        _score_roles(facts["people"], gold["people"], people, scores["people_with_roles"], rid)
        _score_characters(facts["people"], gold["people"], people, scores["characters"], rid)
        _match_kind("films", facts["films"], gold, scores["films"])
        match(
            [f for f in facts["films"] if f.get("reviewed")],
            [g for g in gold["films"] if g.get("reviewed")],
            same_title,
            scores["reviewed_film"],
            lambda f: f["title"],
            rid,
        )
        gold_years = [g for g in gold["films"] if g.get("year")]
        pred_years = [p for p in facts["films"] if p.get("year")]
        match(
            pred_years,
            gold_years,
            lambda p, g: same_title(p, g) and p["year"] == g["year"],
            scores["years"],
            lambda f: f"{f['title']} {f['year']}",
            rid,
        )
        _match_kind("awards", facts["awards"], gold, scores["awards"])
    return scores


def _same_award(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    p, g = fold(pred["award"]), fold(gold["award"])
    return p == g or p in g or g in p


# How a predicted item of each kind matches a gold one, and how a miss is written.
_KINDS: dict[str, tuple[Callable[[Any, Any], bool], Callable[[Any], str]]] = {
    "films": (same_title, lambda f: f["title"]),
    "people": (lambda p, g: same_person(p["name"], g["name"]), lambda p: p["name"]),
    "awards": (_same_award, lambda a: a["award"]),
}


def _score_roles(pred: list[dict], gold: list[dict], matched: list[tuple[dict, dict]], score: Score, rid: str) -> None:
    by_gold = {id(g): p for p, g in matched}
    for g in gold:
        p = by_gold.get(id(g))
        predicted = set(p["roles"]) if p else set()
        for role in g["roles"]:
            if role in predicted:
                score.tp += 1
            else:
                score.fn += 1
                score.misses.append(f"{rid}: {g['name']} as {role}")
    matched_pred = {id(p) for p, _ in matched}
    gold_of = {id(p): g for p, g in matched}
    for p in pred:
        extra = set(p["roles"]) - (set(gold_of[id(p)]["roles"]) if id(p) in matched_pred else set())
        score.fp += len(extra)
        score.false_alarms.extend(f"{rid}: {p['name']} as {r}" for r in sorted(extra))


def _score_characters(
    pred: list[dict], gold: list[dict], matched: list[tuple[dict, dict]], score: Score, rid: str
) -> None:
    for p, g in matched:
        if g.get("character") and p.get("character") and _same_character(p["character"], g["character"]):
            score.tp += 1
        else:
            if g.get("character"):
                score.fn += 1
                score.misses.append(f"{rid}: {g['name']} as {g['character']}")
            if p.get("character"):
                score.fp += 1
                score.false_alarms.append(f"{rid}: {p['name']} as {p['character']}")
    matched_pred = {id(p) for p, _ in matched}
    for p in pred:
        if id(p) not in matched_pred and p.get("character"):
            score.fp += 1
            score.false_alarms.append(f"{rid}: {p['name']} as {p['character']}")
    matched_gold = {id(g) for _, g in matched}
    for g in gold:
        if id(g) not in matched_gold and g.get("character"):
            score.fn += 1
            score.misses.append(f"{rid}: {g['name']} as {g['character']}")


def _same_character(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return fa == fb or fa in fb or fb in fa


def score_aspects(pairs: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]) -> dict[str, Score]:
    """Detection of judged aspects, and of (aspect, polarity) pairs, per review."""
    scores = {"aspects": Score(), "aspect_polarity": Score()}
    for gold, predicted in pairs:
        rid = gold["id"]
        match(
            [a["aspect"] for a in predicted],
            [a["aspect"] for a in gold["aspects"]],
            str.__eq__,
            scores["aspects"],
            str,
            rid,
        )
        match(
            [(a["aspect"], a["polarity"]) for a in predicted],
            [(a["aspect"], a["polarity"]) for a in gold["aspects"]],
            tuple.__eq__,
            scores["aspect_polarity"],
            lambda p: f"{p[0]}:{p[1]}",
            rid,
        )
    return scores


def evaluate_aspects_file(
    gold_path: Path, texts_path: Path | None, tier: str = "fast", selection: GoldSelection | None = None
) -> dict[str, Score]:
    """Run the aspects stage on every gold review, after its sentiment pass as the pipeline runs it, and score it."""
    from critica.aspects.stage import judge_aspects
    from critica.resources import polarity_model
    from critica.sentiment.stage import explain
    from critica.text import prepare

    model = polarity_model(tier)
    pairs = []
    for gold, text in load_gold(gold_path, texts_path, selection):
        doc = prepare(text)
        verdict = explain(model, doc).probability  # and, default tier, the encoder's pieces in doc.memo
        pairs.append((gold, [asdict(a) for a in judge_aspects(doc, model, verdict)]))
    return score_aspects(pairs)
