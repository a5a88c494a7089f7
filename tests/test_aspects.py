"""Aspect judgements on sentences written for these tests: negation, contrast, mere mentions."""

from __future__ import annotations

import pytest

from critica.aspects.stage import judge_aspects
from critica.resources import polarity_model
from critica.text import prepare
from critica.text.fold import unaccented

from .conftest import SHARED, SHARED_DATA


def aspects(text: str, with_model: bool = True) -> dict[str, str]:
    model = polarity_model("fast") if with_model else None
    return {a.aspect: a.polarity for a in judge_aspects(prepare(text), model)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La fotografía es brillante.", {"fotografia": "positive"}),
        ("La fotografía no es nada brillante.", {"fotografia": "negative"}),
        ("Aunque los actores cumplen, el guion es un desastre.", {"actuacion": "positive", "guion": "negative"}),
        ("La banda sonora es preciosa, pero el montaje es torpe.", {"musica": "positive", "ritmo": "negative"}),
        ("Una película aburrida y lenta.", {"ritmo": "negative"}),
        ("Los efectos especiales son ridículos.", {"efectos": "negative"}),
        ("El vestuario y los decorados son espléndidos.", {"produccion": "positive"}),
        ("La dirección es magistral.", {"direccion": "positive"}),
        ("La interpretación de la protagonista es poco convincente.", {"actuacion": "negative"}),
        ("La peli no es gran cosa, pero el prota está genial.", {"actuacion": "positive"}),  # native slang
        # no opinion word of the lexicon: the clause model's own reading decides
        ("La película no tiene ningún sentido del ritmo.", {"ritmo": "negative"}),
        ("El guion no tiene pies ni cabeza.", {"guion": "negative"}),
        # native vocabulary and idioms (2026-12-04)
        ("Se me hizo larguísima.", {"ritmo": "negative"}),
        ("La dirección de arte es espectacular.", {"produccion": "positive"}),  # the art department
        ("Una película aburrida pero preciosa.", {"ritmo": "negative"}),  # "preciosa" is not about the pace
        ("La fotografía, sin duda, es preciosa.", {"fotografia": "positive"}),  # "sin duda" negates nothing
    ],
)
def test_polarity_patterns(text: str, expected: dict[str, str]) -> None:
    found = aspects(text)
    for aspect, polarity in expected.items():
        assert found.get(aspect) == polarity, found


@pytest.mark.parametrize(
    "text",
    [
        "La fotografía es preciosa y la interpretación de la protagonista, increíble.",
        "La dirección es floja, la música no está mal y el guión no tiene ni pies ni cabeza.",
        "Una película lentísima: la actuación es mediocre y los efectos dan vergüenza ajena.",
    ],
)
def test_a_review_written_without_accents_gets_the_same_aspects(text: str) -> None:
    # "la musica", "la fotografia": every lexicon is looked up without accents (benchmarks/accents.py)
    plain = unaccented(text)
    assert plain != text and aspects(plain) == aspects(text) != {}


def test_a_mere_mention_is_not_an_aspect() -> None:
    assert aspects("Vi la película con la música de fondo mientras cenaba.", with_model=False) == {}


def test_mixed_when_both_sides_weigh() -> None:
    text = "El guion es brillante en la primera hora. Sin embargo, el guion final es un desastre absoluto."
    assert aspects(text)["guion"] == "mixed"


def test_mentions_slice_the_original() -> None:
    text = "<p>La m&uacute;sica es <b>preciosa</b>.</p> El guion, en cambio, es torpe."
    for judgement in judge_aspects(prepare(text), polarity_model("fast")):
        assert judgement.mentions
        for mention in judgement.mentions:
            assert text[mention.start : mention.end] == mention.text
        assert 0.5 <= judgement.score <= 1


SEED = SHARED / "seed" / "000_9d32fff694860531.txt"


@pytest.mark.skipif(not SEED.exists(), reason="showcase review not here")
def test_showcase_photography_is_praised_with_urusevsky_as_mention() -> None:
    text = SEED.read_text(encoding="utf-8")
    judgements = {a.aspect: a for a in judge_aspects(prepare(text), polarity_model("default"))}
    photo = judgements["fotografia"]
    assert photo.polarity == "positive"
    assert any("Urusevsky" in m.text for m in photo.mentions)


@pytest.mark.skipif(not (SHARED_DATA / "gold").exists(), reason="gold file not here")
def test_gold_dev_figures_do_not_regress() -> None:
    from critica.evaluation.gold import evaluate_aspects_file

    scores = evaluate_aspects_file(
        SHARED_DATA / "gold" / "gold_dev.jsonl", SHARED_DATA / "imdb_es" / "imdb_es_1700.csv"
    )
    # Floors at the targets, just under the measured 0.772 / 0.677: a change that makes things worse fails.
    assert scores["aspects"].f1 >= 0.75
    assert scores["aspect_polarity"].f1 >= 0.65


def test_a_clear_opinion_is_not_overruled_by_the_review_tone(positive_review: str) -> None:
    # A glowing review that still finds "algún diálogo … forzado": the script is mixed, not positive.
    judgements = {a.aspect: a for a in judge_aspects(prepare(positive_review), polarity_model("fast"))}
    assert judgements["guion"].polarity == "mixed"
    assert all(not m.text[:1].isspace() and not m.text[-1:].isspace() for m in judgements["guion"].mentions)


class _LexiconOnly:
    """A polarity model that reads nothing but has a lexicon: isolates the learned opinion words."""

    def __init__(self, lexicon: dict[str, int]) -> None:
        self.lexicon = lexicon

    def sparse_polarity(self, texts: list[str]):
        import numpy as np

        return np.zeros(len(texts))


def test_a_word_of_the_models_lexicon_judges_what_the_hand_lexicon_cannot() -> None:
    from critica.aspects.stage import LEARNED_OPINION, OPINION_WORDS

    text = "La banda sonora es ramplona. El guion no es nada ramplona."
    assert "ramplona" not in OPINION_WORDS and "ramplon" not in OPINION_WORDS
    judged = {a.aspect: a for a in judge_aspects(prepare(text), _LexiconOnly({"ramplona": -1}))}
    assert {k: a.polarity for k, a in judged.items()} == {"musica": "negative", "guion": "positive"}
    assert judged["musica"].score < 0.5 + 0.5 * LEARNED_OPINION  # weaker than a hand-lexicon word
    assert judge_aspects(prepare(text), _LexiconOnly({})) == [], "no lexicon word: mere mentions"


def test_the_reviews_verdict_tips_a_faint_judgement_in_a_long_review() -> None:
    # A faint opinion word (the model's lexicon only) in a review of three sentences: the verdict the
    # sentiment stage gave the whole review decides which way the mention leans.
    text = "Vi la película ayer. La banda sonora es ramplona. Salí del cine a las diez."
    model = _LexiconOnly({"ramplona": -1})
    doc = prepare(text)
    by_verdict = {
        verdict: {a.aspect: a.polarity for a in judge_aspects(doc, model, verdict)} for verdict in (0.02, 0.98)
    }
    assert by_verdict == {0.02: {"musica": "negative"}, 0.98: {"musica": "positive"}}
    short = prepare("La banda sonora es ramplona.")  # one sentence: no context, the word alone
    assert [a.polarity for a in judge_aspects(short, model, 0.98)] == ["negative"]
