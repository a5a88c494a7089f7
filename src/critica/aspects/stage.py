"""The aspects stage: which film aspects the reviewer judges, and how.

For each aspect term found on spaCy lemmas, the judgement comes from
1. opinion words attached to it in the dependency parse (adjectival
   modifiers, the predicate of a copula, the verb it is subject or object
   of), falling back to opinion words in its clause — the text between
   contrast markers ("pero", "aunque", …) and commas;
2. the polarity model applied to that clause (its sparse n-gram weights).
Opinion words are the hand lexicon's (`aspects/lexicon.py`, weighted) and,
at a lower weight, every other word of the polarity model's own lexicon
(learned from three Spanish polarity lexicons: `sentiment/lexicon.py`).
Negators flip an opinion word, intensifiers scale it. A mention with no
opinion word is a mere mention and is not reported.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from critica.aspects import lexicon
from critica.aspects.lexicon import ASPECT_TERMS, CONTRAST_MARKERS
from critica.schema import Analysis, AspectJudgement, Mention
from critica.stages import register_stage
from critica.text import Document
from critica.text.fold import fold
from critica.text.patterns import NEGATORS

MODEL_WEIGHT = 1.0  # share of the clause-level model polarity in a mention's score
MODEL_ALONE = 0.4  # a clause the lexicon cannot judge counts when the model reads it this clearly (dev-chosen)
MIXED_SHARE = 0.5  # the weaker side must weigh half the stronger for "mixed"
DOC_WEIGHT = 0.5  # share of the whole review's polarity added to weakly judged mentions
LEARNED_OPINION = 0.2  # weight of a polarity-lexicon word where the hand lexicon has none (dev: 0.1–0.3 alike)
WEAK_LEXICAL = 0.7  # below this, a mention's opinion words are too faint to stand on their own
ATTACHED_DEPS = {"amod", "acl", "advmod", "xcomp", "obj", "attr", "conj", "nmod", "obl", "ccomp", "cop"}
# Every lexicon is looked up without accents: native reviewers often skip them ("la musica", "la
# fotografia es increible"), and spaCy's lemmas keep the text's spelling.
_SINGLE = {fold(term): aspect for aspect, terms in ASPECT_TERMS.items() for term in terms if " " not in term}
_MULTI = [(fold(term).split(), aspect) for aspect, terms in ASPECT_TERMS.items() for term in terms if " " in term]
OPINION_WORDS = {fold(word): value for word, value in lexicon.OPINION_WORDS.items()}
INHERENT_POLARITY = {fold(word): value for word, value in lexicon.INHERENT_POLARITY.items()}
INTENSIFIERS = {fold(word): factor for word, factor in lexicon.INTENSIFIERS.items()}


def _by_first_word(terms: list[tuple[list[str], str]]) -> dict[str, list[tuple[int, list[str], str]]]:
    """The multi-word terms by their first word, each with its place in the list (the order matches are reported in)."""
    index: dict[str, list[tuple[int, list[str], str]]] = {}
    for rank, (words, aspect) in enumerate(terms):
        index.setdefault(words[0], []).append((rank, words, aspect))
    return index


_MULTI_BY_FIRST = _by_first_word(_MULTI)
_CONTRAST = re.compile(r"\b(?:" + "|".join(CONTRAST_MARKERS) + r")\b", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:]|" + _CONTRAST.pattern, re.I)


class ClauseScorer(Protocol):
    """What the aspects stage needs of a polarity model: the polarity in [-1, 1] of short texts."""

    @property
    def lexicon(self) -> Mapping[str, int]:
        """Folded word → +1 / −1: the model's polarity lexicon (may be empty)."""

    def sparse_polarity(self, texts: list[str]) -> np.ndarray:
        """One polarity per text."""


@dataclass
class _Hit:
    aspect: str
    start: int  # token indices [start, end)
    end: int
    score: float
    lexical: float  # the opinion words' part of the score
    clause: tuple[int, int]  # char offsets in the clean text


def _lemma(token) -> str:
    """The token's lemma, lower case and without accents (the key of every lexicon here)."""
    return fold(token.lemma_) if token.lemma_ else fold(token.lower_)


def _find_terms(sent) -> list[tuple[str, int, int]]:
    """(aspect, first token index, end token index) for every aspect term in a sentence."""
    tokens = list(sent)
    found, covered = [], set()
    lemmas = [_lemma(t) for t in tokens]
    lowers = [fold(t.lower_) for t in tokens]
    multi = []  # (rank in _MULTI, first token), looked up by first word instead of trying every term everywhere
    for i in range(len(tokens)):
        for first in {lemmas[i], lowers[i]}:  # two different first words never start the same term
            for rank, words, aspect in _MULTI_BY_FIRST.get(first, ()):
                n = len(words)
                if lemmas[i : i + n] == words or lowers[i : i + n] == words:
                    multi.append((rank, i, n, aspect))
    for _, i, n, aspect in sorted(multi):
        found.append((aspect, tokens[i].i, tokens[i + n - 1].i + 1))
        covered.update(range(i, i + n))
    for i, token in enumerate(tokens):
        if i in covered:
            continue
        aspect = _SINGLE.get(lemmas[i]) or _SINGLE.get(lowers[i])
        if aspect and (token.pos_ in {"NOUN", "PROPN", "ADJ", "VERB", "ADV"} or lemmas[i] in _SINGLE):
            if aspect == "direccion" and token.ent_type_ == "PER":
                continue
            found.append((aspect, token.i, token.i + 1))
    return found


def _base_forms(word: str) -> list[str]:
    """The word and its likely masculine singular ("espléndidas" → "espléndido"): the lemmatizer misses some."""
    forms = [word]
    for stem in (word[:-2] if word.endswith("es") else None, word[:-1] if word.endswith("s") else None):
        if stem:
            forms.append(stem)
    forms += [f[:-1] + "o" for f in list(forms) if f.endswith("a")]
    forms += [f[:-1] for f in list(forms) if f.endswith(("ora", "ona"))]  # "conmovedora" → "conmovedor"
    return forms


def _never_an_opinion(token) -> bool:
    """'plano' as a noun is a shot, not 'flat'."""
    return token.pos_ != "ADJ" and _lemma(token) == "plano"


def _hand_value(token) -> float:
    """The hand lexicon's opinion value of a token (its lemma or a base form of the word), else 0."""
    if _never_an_opinion(token):
        return 0.0
    for form in (_lemma(token), *_base_forms(fold(token.lower_))):
        if form in OPINION_WORDS:
            return OPINION_WORDS[form]
    return 0.0


def _learned_value(learned: Mapping[str, int]):
    """A token's value in the polarity model's lexicon (lemma or word), at LEARNED_OPINION, else 0."""

    def value(token) -> float:
        if _never_an_opinion(token):
            return 0.0
        sign = learned.get(_lemma(token)) or learned.get(fold(token.lower_))
        return LEARNED_OPINION * sign if sign else 0.0

    return value


def _modified(token, value: float) -> float:
    """Apply negation and intensifiers found among the token's and its head's dependents or just before it."""
    neighbours = list(token.children) + ([c for c in token.head.children] if token.dep_ in {"cop", "amod"} else [])
    window = [t for t in token.doc[max(token.i - 3, token.sent.start) : token.i]]
    words = {_lemma(t) for t in neighbours if t.dep_ in {"advmod", "neg", "det"} and not _not_a_negation(t)}
    words |= {_lemma(t) for t in window if not _not_a_negation(t)}
    if words & NEGATORS:
        value = -value
    for word, factor in INTENSIFIERS.items():
        if word in words:
            value = value * factor if factor > 0 else -value * abs(factor)
    return value


def _not_a_negation(token) -> bool:
    """'Sin embargo' is a contrast marker and 'sin duda' an affirmation, not negations."""
    following = token.doc[token.i + 1].lower_ if token.i + 1 < len(token.doc) else ""
    return token.lower_ == "sin" and following in {"embargo", "duda", "dudas"}


def _attached(head_token) -> list:
    """Tokens the parse links to an aspect term: its modifiers, its predicate and the predicate's modifiers."""
    linked = [c for c in head_token.children if c.dep_ in ATTACHED_DEPS]
    if head_token.dep_ in {"nsubj", "nsubj:pass", "obj", "iobj", "nmod", "obl", "conj", "appos"}:
        predicate = head_token.head
        linked.append(predicate)
        linked += [c for c in predicate.children if c.dep_ in ATTACHED_DEPS and c.i != head_token.i]
    return linked


def _clause(text: str, token) -> tuple[int, int]:
    """Character span of the clause around a token: between contrast markers and punctuation.

    `text` is the parsed text, passed in: spaCy's `Doc.text` rebuilds it from every token on
    each access (that was a fifth of the fast tier's time).
    """
    sent = token.sent
    left = sent.start_char
    for m in _CLAUSE_BREAK.finditer(text, sent.start_char, token.idx):
        left = m.end()
    right_match = _CLAUSE_BREAK.search(text, token.idx + len(token.text), sent.end_char)
    right = right_match.start() if right_match else sent.end_char
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def _head(doc, start: int, end: int):
    """The token that stands for a mention: its first noun, else its first token."""
    return max(doc[start:end], key=lambda t: t.pos_ == "NOUN")


def _score_hit(
    doc,
    aspect: str,
    span: tuple[int, int],
    head,
    clause: tuple[int, int],
    reading: float | None,
    learned: Mapping[str, int],
) -> _Hit | None:
    start, end = span
    inherent = INHERENT_POLARITY.get(_lemma(head), 0.0)
    values = _opinion_values(doc, span, head, clause, learned)
    if inherent:
        values.append(_modified(head, inherent))
    if not values:
        # No opinion word of the lexicon: the clause model alone may still read a clear judgement
        # ("hace magia en la fotografía", "no tiene ningún sentido del ritmo").
        if reading is None or abs(reading) < MODEL_ALONE:
            return None  # a mention without a judgement
        return _Hit(aspect, start, end, reading, 0.0, clause)
    lexical = sum(values)
    return _Hit(aspect, start, end, lexical + MODEL_WEIGHT * (reading or 0.0), lexical, clause)


def _opinion_values(doc, span: tuple[int, int], head, clause: tuple[int, int], learned: Mapping[str, int]) -> list:
    """Opinion values of the words attached to a mention, else (at 0.6) of the other words of its clause.

    The hand lexicon is asked first; the learned one only where the hand lexicon finds no word.
    """
    start, end = span
    outside = [t for t in _attached(head) if not (start <= t.i < end)]
    if INHERENT_POLARITY.get(_lemma(head)):
        # The term is itself the judgement ("aburrida"): an adjective joined to it after "pero" judges
        # the film, not the pace ("una película aburrida pero preciosa").
        outside = [t for t in outside if not _across_contrast(doc, head, t)]
    in_clause = None
    for value_of in (_hand_value, _learned_value(learned)):
        values = [_modified(t, v) for t in outside if (v := value_of(t))]
        if values:
            return values
        if in_clause is None:
            in_clause = [t for t in doc.char_span(*clause, alignment_mode="expand") or [] if not (start <= t.i < end)]
        values = [0.6 * _modified(t, v) for t in in_clause if (v := value_of(t))]
        if values:
            return values
    return []


def _across_contrast(doc, head, token) -> bool:
    """'Una película aburrida pero preciosa': what follows "pero" judges something else than the pace."""
    first, last = sorted((head.i, token.i))
    # The tokens between the two only: spaCy's `Doc.text` would rebuild the whole review (`_clause`).
    return bool(_CONTRAST.search(doc[first:last].text))


def _reading_text(doc, text: str, start: int, end: int, clause: tuple[int, int]) -> str:
    """The mention's clause as the polarity model reads it: the aspect's own words left out.

    Which aspect a reviewer talks about carries the corpus's prior (native reviewers name the
    script mostly to attack it), not the judgement of this clause.
    """
    mention_start, mention_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    if not (clause[0] <= mention_start < mention_end <= clause[1]):
        return text[clause[0] : clause[1]]
    return text[clause[0] : mention_start] + text[mention_end : clause[1]]


def _judgement(doc: Document, aspect: str, hits: list[_Hit]) -> AspectJudgement:
    positives = sum(h.score for h in hits if h.score > 0)
    negatives = -sum(h.score for h in hits if h.score < 0)
    total = positives - negatives
    # Mixed only when the weaker side carries real weight, not for one stray word.
    if min(positives, negatives) >= MIXED_SHARE * max(positives, negatives):
        polarity, score = "mixed", round(0.5 + 0.5 * abs(math.tanh(total / len(hits))) * 0.5, 4)
    else:
        polarity, score = ("positive" if total > 0 else "negative"), round(0.5 + 0.5 * math.tanh(abs(total)), 4)
    mentions = []
    for hit in hits:
        a, b = doc.clean.to_original(*hit.clause)
        mentions.append(Mention(a, b, doc.original[a:b]))
    return AspectJudgement(aspect, polarity, score, mentions)


@register_stage("aspects", assigns=("aspects",))
class AspectStage:
    """Fills `aspects`; reads the polarity model's n-gram weights for clause scores."""

    languages = ("es",)
    reads_parse = True  # the pipeline parses a batch's documents together for it

    def __init__(self, resources: Any) -> None:
        self.model: ClauseScorer = resources.polarity

    def run(self, doc: Document, analysis: Analysis) -> None:
        """Find judged aspects and their polarity (the review's verdict, when judged, sets the tone)."""
        verdict, s = None, analysis.sentiment
        if s is not None and s.label in ("positive", "negative") and s.score is not None:
            verdict = s.score if s.label == "positive" else 1.0 - s.score
        analysis.aspects = judge_aspects(doc, self.model, verdict)


def _add_hit(hits: list[_Hit], hit: _Hit) -> None:
    """One judgement per aspect and clause: only the stronger reading counts.

    "El guion final es un desastre" names the script twice ("guion", "final") but judges it once.
    """
    same = next((i for i, h in enumerate(hits) if h.clause == hit.clause), None)
    if same is None:
        hits.append(hit)
    elif abs(hit.score) > abs(hits[same].score):
        hits[same] = hit


def judge_aspects(
    doc: Document, model: ClauseScorer | None = None, verdict: float | None = None
) -> list[AspectJudgement]:
    """Aspects the review judges, in the contract's order of first mention.

    `verdict`: the review's P(positive) as the sentiment stage gave it, which sets the tone
    (None: the n-grams' reading of the whole text).
    """
    parsed = doc.spacy
    # The review's overall tone tips borderline judgements ("the acting is what it is" in a pan);
    # a text of one or two sentences has no context beyond its own clauses.
    has_context = model is not None and len(doc.sentences) >= 3
    if not has_context:
        tone = 0.0
    elif verdict is not None:
        tone = DOC_WEIGHT * (2.0 * verdict - 1.0)
    else:
        tone = DOC_WEIGHT * float(model.sparse_polarity([doc.text])[0])
    hits: dict[str, list[_Hit]] = {}
    terms = [term for sent in parsed.sents for term in _find_terms(sent)]
    heads = [_head(parsed, start, end) for _, start, end in terms]
    clauses = [_clause(doc.text, head) for head in heads]
    # One call of the model for every clause of the review (a matrix product, not one per mention).
    readings: list[float | None] = [None] * len(terms)
    learned = model.lexicon if model is not None else {}
    if model is not None and terms:
        texts = [_reading_text(parsed, doc.text, s, e, c) for (_, s, e), c in zip(terms, clauses, strict=True)]
        readings = model.sparse_polarity(texts).tolist()
    for (aspect, start, end), head, clause, reading in zip(terms, heads, clauses, readings, strict=True):
        hit = _score_hit(parsed, aspect, (start, end), head, clause, reading, learned)
        if hit is not None and hit.score != 0:
            if abs(hit.lexical) < WEAK_LEXICAL:  # tone never overrules a clear opinion word
                hit.score += tone
            _add_hit(hits.setdefault(aspect, []), hit)
    return [_judgement(doc, aspect, aspect_hits) for aspect, aspect_hits in hits.items()]
