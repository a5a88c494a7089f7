"""Machine-translation signals and score on native and translated text."""

from __future__ import annotations

import json

import pytest

from critica.quality.model import QualityStage, bundled_detector
from critica.quality.signals import collect_signals, feature_vector
from critica.schema import Analysis, Sentiment
from critica.text import prepare

from .conftest import ROOT, SHARED

# The reviews marked "about" (American films) are held out: benchmarks/mt_detector.py reports them.
NATIVE = [
    r["review"]
    for r in map(json.loads, (ROOT / "data" / "native_es_reviews.jsonl").read_text().splitlines())
    if "about" not in r
]
NATIVE += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]


def quality(text: str):
    analysis = Analysis("x", "es", Sentiment(None, None, None))
    QualityStage().run(prepare(text), analysis)
    return analysis.quality


@pytest.mark.parametrize("text", NATIVE)
def test_native_reviews_score_low_and_flag_nothing(text: str) -> None:
    result = quality(text)
    assert result.machine_translation < 0.5
    assert result.untranslated == []


def test_english_left_in_place_is_flagged_with_offsets() -> None:
    text = "La película es buena. I He visto muchas, and the ending was great, pero esta me gustó."
    result = quality(text)
    flagged = [f.text for f in result.untranslated]
    assert "I He visto" in flagged
    assert any("the ending was great" in f for f in flagged)
    for fragment in result.untranslated:
        assert text[fragment.start : fragment.end] == fragment.text and fragment.language == "en"


def test_names_and_titles_are_not_fragments() -> None:
    text = "Me encantó Brave New Girl y la actuación de Will Smith en The Pursuit of Happyness fue magnífica."
    assert quality(text).untranslated == []


def test_calques_english_awards_and_garbled_words_are_noted() -> None:
    text = (
        "La parcela es confusa y el tiempo de ejecución excesivo. Ganó el Academy Award y la Palm D'or. "
        "El protagonista se jaltonaba sin parar."
    )
    notes = " ".join(quality(text).notes)
    assert "la parcela" in notes and "tiempo de ejecución" in notes
    assert "Academy Award" in notes and "Palm D'or" in notes
    assert "jaltonaba" in notes


def test_more_damage_means_a_higher_score() -> None:
    clean = collect_signals(prepare(NATIVE[0]).text)
    damaged = collect_signals(prepare(NATIVE[0] + " La parcela.Estaba bien.Usted sabe, jaltonaba sin fin.").text)
    detector = bundled_detector()
    assert detector.combine(0.0, feature_vector(damaged)) > detector.combine(0.0, feature_vector(clean))


SEED = SHARED / "seed" / "000_9d32fff694860531.txt"


@pytest.mark.skipif(not SEED.exists(), reason="showcase review not here")
def test_showcase_review() -> None:
    result = quality(SEED.read_text(encoding="utf-8"))
    assert "I He visto" in [f.text for f in result.untranslated]
    assert any("Palm D'or" in note for note in result.notes)
    assert result.machine_translation > 0.5
