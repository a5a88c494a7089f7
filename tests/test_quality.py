"""Machine-translation signals and score on native and translated text."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from critica.config import Config
from critica.quality.signals import collect_signals, feature_vector
from critica.quality.stage import QualityStage
from critica.resources import Resources
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
    QualityStage(Resources.shared(Config(tier="fast"))).run(prepare(text), analysis)
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
    detector = Resources.shared(Config(tier="fast")).mt_detector
    assert detector.combine(0.0, feature_vector(damaged)) > detector.combine(0.0, feature_vector(clean))


SEED = SHARED / "seed" / "000_9d32fff694860531.txt"


@pytest.mark.skipif(not SEED.exists(), reason="showcase review not here")
def test_showcase_review() -> None:
    result = quality(SEED.read_text(encoding="utf-8"))
    assert "I He visto" in [f.text for f in result.untranslated]
    assert any("Palm D'or" in note for note in result.notes)
    assert result.machine_translation > 0.5


def test_skeleton_keeps_function_words_and_masks_content_and_accents() -> None:
    from critica.quality.structure import skeleton

    assert skeleton("Él dijo que «Titanic» era MÁS larga... 1997!!!") == [
        "el", "W", "que", '"', "C", '"', "era", "mas", "W", ".", "N", "!",
    ]  # fmt: skip


def test_structure_terms_are_the_skeleton_ngrams_that_hold_a_function_word() -> None:
    from collections import Counter

    from critica.quality.structure import FUNCTION_WORDS, skeleton_ngrams, structure_terms

    text = SEED.read_text(encoding="utf-8")
    slow = [g for g in skeleton_ngrams(text) if any(part in FUNCTION_WORDS for part in g.split(" "))]
    assert Counter(structure_terms(text)) == Counter(slow) and len(slow) > 100
    assert structure_terms("Titanic, 1997.") == []  # no function word, nothing to read


def test_the_lexicon_forgives_rare_words_inflections_accents_and_typos_but_not_inventions() -> None:
    from critica.quality.lexicon import is_spanish_word

    assert all(is_spanish_word(w) for w in ("farera", "laudió", "pelicula", "tambien", "peliula", "coñazo"))
    assert not any(is_spanish_word(w) for w in ("inconfiadas", "jaltonaba"))


def test_the_structure_score_equals_the_trained_tfidf_model_and_weights_are_never_negative() -> None:
    import numpy as np

    from critica.quality.train import DetectorData, _vectorizer, fit_structure

    translated = ["Esta es una película que realmente me gustó. Ella es muy buena en ella."] * 4
    native = ["Me encantó la peli, la verdad, con un reparto de lujo y sin relleno."] * 4
    texts = translated + native
    data = DetectorData(texts, np.array([1] * 4 + [0] * 4), np.ones(8), [str(i) for i in range(8)], ["x"] * 8)
    model = fit_structure(texts, data.y, data.balanced_weights(), 10.0)
    assert (model.coef >= 0).all() and (model.coef > 0).any()
    reference = _vectorizer().fit(texts)
    x = reference.transform([translated[0]]).toarray()[0]
    order = np.array([model.vocabulary[t] for t in reference.get_feature_names_out()])
    assert model.logit(translated[0]) == pytest.approx(float(x @ model.coef[order] + model.intercept), abs=1e-9)


def test_a_fragment_is_judged_without_the_seven_language_accurate_models() -> None:
    # Those models are 161 MB and 1.4 s to load; whole reviews never need them, and fragments need not.
    code = (
        "from critica.text import language as L\n"
        "found = [L.language_of_words(f) for f in ('the best of all', 'We We We We', 'lo mejor de todo', "
        "'one of the most beautiful films ever made')]\n"
        "print(found, L._detector.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "['en', 'en', 'es', 'en'] 1"


def test_the_english_word_opening_a_title_is_not_an_untranslated_fragment() -> None:
    from critica.quality.signals import collect_signals

    text = 'Vi la película en 1994. "The Shawshank Redemption" es una obra maestra. I love it, sin duda.'
    found = [text[a:b] for a, b, _ in collect_signals(text).fragments]
    assert "The" not in found and found  # the real English sentence is still flagged
