"""The sentiment stage: verdict, calibrated score, sentence polarity and evidence."""

from __future__ import annotations

from typing import Any

import numpy as np

from critica.schema import Analysis, Evidence, SentenceSpan, Sentiment
from critica.sentiment.model import Explanation
from critica.stages import register_stage
from critica.text import ENCODER_PIECES, Document, EncodedPieces

MAX_SUPPORTING = 3
MAX_OPPOSING = 1


@register_stage("sentiment", assigns=("sentiment", "sentences", "evidence"))
class SentimentStage:
    """Fills `sentiment`, `sentences` and `evidence` from the configured polarity model."""

    def __init__(self, resources: Any) -> None:
        self.model = resources.polarity
        self.languages = self.model.languages  # the default tier also judges English

    def run(self, doc: Document, analysis: Analysis) -> None:
        """Score the review, estimate its stars and attribute the verdict to its sentences."""
        explanation = explain(self.model, doc, analysis.language or "es")
        p = explanation.probability
        label = "positive" if p >= 0.5 else "negative"
        analysis.sentiment = Sentiment(
            label, round(max(p, 1 - p), 4), self.model.name, round(float(explanation.rating), 2)
        )
        analysis.sentences = [
            SentenceSpan(s.start, s.end, round(float(pol), 4))
            for s, pol in zip(doc.sentences, explanation.sentence_polarity, strict=True)
        ]
        analysis.evidence = select_evidence(doc, explanation, positive=label == "positive")


def explain(model: Any, doc: Document, language: str = "es") -> Explanation:
    """The model's reading of the review; the encoder's extra per-piece outputs go to `doc.memo`."""
    explanation = model.explain([s.text for s in doc.sentences], language=language)
    pieces = explanation.pieces
    if pieces is not None:
        starts = np.array([s.clean_start for s in doc.sentences], dtype=np.int64)[pieces.sentence]
        doc.memo[ENCODER_PIECES] = EncodedPieces(
            starts + pieces.spans[:, 0], starts + pieces.spans[:, 1], pieces.columns
        )
    return explanation


def select_evidence(doc: Document, explanation: Explanation, positive: bool) -> list[Evidence]:
    """The sentences that pushed hardest toward the verdict, and the strongest one against it.

    `weight` is the sentence's signed share of all sentence contributions to
    the log-odds of "positive" (positive weight = pushes toward positive).
    """
    contributions = explanation.contributions
    total = float(np.abs(contributions).sum())
    if total == 0.0:
        return []
    shares = contributions / total
    toward = shares if positive else -shares
    order = np.argsort(-toward, kind="stable")
    supporting = [i for i in order[:MAX_SUPPORTING] if toward[i] > 0]
    opposing = [i for i in order[::-1][:MAX_OPPOSING] if toward[i] < 0]
    chosen = sorted(supporting + opposing, key=lambda i: -abs(shares[i]))
    spans = [doc.sentences[i] for i in chosen]
    return [
        Evidence(s.start, s.end, doc.original[s.start : s.end], round(float(shares[i]), 4))
        for s, i in zip(spans, chosen, strict=True)
    ]
