"""The quality stage: untranslated fragments, notes and the machine-translation score."""

from __future__ import annotations

from typing import Any

from critica.quality.signals import collect_signals, feature_vector
from critica.schema import Analysis, Fragment, Quality
from critica.stages import register_stage
from critica.text import Document


@register_stage("quality", assigns=("quality",))
class QualityStage:
    """Fills `quality` with the MT signals of the clean text and the detector's score."""

    languages = ("es",)

    def __init__(self, resources: Any) -> None:
        self.detector = resources.mt_detector

    def run(self, doc: Document, analysis: Analysis) -> None:
        """Collect MT signals and score them."""
        signals = collect_signals(doc.text)
        fragments = []
        for start, end, language in signals.fragments:
            a, b = doc.clean.to_original(start, end)
            fragments.append(Fragment(a, b, doc.original[a:b], language))
        score = self.detector.score(doc.text, feature_vector(signals))
        analysis.quality = Quality(round(score, 4), fragments, signals.notes)
