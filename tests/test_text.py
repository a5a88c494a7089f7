"""The text layer: clean-up and segmentation never lose track of original offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from critica.text import clean, prepare
from critica.text.decode import NotText, decode_bytes

# Text that looks like reviews: words, accents, punctuation, markup and odd whitespace.
_pieces = st.sampled_from(
    [
        "La película",
        " es ",
        "buena",
        ". ",
        "¿De verdad?",
        " ¡Sí! ",
        "<br />",
        "<br /><br />",
        "&amp;",
        "&quot;",
        "e\u0301",
        "n\u0303",
        "\u00a0",
        "\t",
        "\n\n",
        "Sr. Pérez",
        "J. R. R.",
        "…",
        "«Título»",
        "\u200b",
        "1/10",
        "<b>",
        "</b>",
        "&#233;",
        "&bogus",
        "<",
        ">",
        "x",
        " ",
        "cinta.Nos muestra",  # MuchoCine lost its paragraph breaks
        "www.ejemplo.com",
        "3.5",
    ]
)
review_like = st.lists(_pieces, max_size=40).map("".join)
any_text = st.one_of(review_like, st.text(max_size=300))


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_every_sentence_span_slices_the_original(text: str) -> None:
    doc = prepare(text)
    for sentence in doc.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)
        piece = text[sentence.start : sentence.end]
        assert piece.strip(), "a sentence never maps to pure whitespace"
        assert sentence.text == doc.text[sentence.clean_start : sentence.clean_end]
        assert doc.clean.to_original(sentence.clean_start, sentence.clean_end) == (sentence.start, sentence.end)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_every_clean_character_maps_inside_the_original(text: str) -> None:
    cleaned = clean(text)
    assert len(cleaned.starts) == len(cleaned.text) == len(cleaned.ends)
    previous_start = 0
    for start, end in zip(cleaned.starts, cleaned.ends, strict=True):
        assert 0 <= start < end <= len(text)
        assert start >= previous_start, "offsets are monotonic"
        previous_start = start


@settings(max_examples=200, deadline=None)
@given(review_like)
def test_clean_text_has_no_markup_or_runs_of_space(text: str) -> None:
    result = clean(text).text
    assert "<br" not in result and "&amp;" not in result
    assert "  " not in result and result == result.strip()


def test_html_and_entities_are_removed_with_offsets_kept() -> None:
    text = "Muy buena.<br /><br />La m&uacute;sica &amp; el montaje, <i>geniales</i>."
    cleaned = clean(text)
    assert cleaned.text == "Muy buena. La música & el montaje, geniales."
    start = cleaned.text.index("música")
    a, b = cleaned.to_original(start, start + len("música"))
    assert text[a:b] == "m&uacute;sica"


def test_decomposed_accents_are_composed() -> None:
    assert clean("pelicula e\u0301pica").text == "pelicula épica"


def test_sentences_respect_abbreviations_initials_and_spanish_marks() -> None:
    text = "La dirigió el Sr. Gómez con J. R. Moreno. ¿Funciona? ¡Claro que sí! Nota: 8/10."
    sentences = [s.text for s in prepare(text).sentences]
    assert sentences == ["La dirigió el Sr. Gómez con J. R. Moreno.", "¿Funciona?", "¡Claro que sí!", "Nota: 8/10."]


def test_glued_sentences_are_cut_but_not_urls_decimals_or_initials() -> None:
    text = "Una gran cinta.Nos muestra la guerra.Al final, llora. Vista en www.cine.es, nota 3.5 de J.R. Moreno."
    sentences = [s.text for s in prepare(text).sentences]
    assert sentences[:3] == ["Una gran cinta.", "Nos muestra la guerra.", "Al final, llora."]
    assert "www.cine.es" in sentences[3] and "3.5" in sentences[3]


def test_unaccented_and_misspelt_words_share_features_with_the_correct_ones() -> None:
    from critica.sentiment.features import ngrams

    assert set(ngrams("pelicula aburridisima")) & set(ngrams("película aburridísima")) == set(
        ngrams("película aburridísima")
    )
    assert "#aburr" in ngrams("aburrimiento") and "#aburr" in ngrams("aburrrida")


def test_runaway_sentences_are_split_not_truncated() -> None:
    text = "palabra " * 2000
    doc = prepare(text)
    assert len(doc.sentences) > 1
    assert sum(len(s.text) for s in doc.sentences) + len(doc.sentences) - 1 == len(doc.text)


def test_decoding_latin1_and_rejecting_binary() -> None:
    assert decode_bytes("película".encode("latin-1"))[0] == "película"
    assert decode_bytes("película".encode())[1] == "utf-8-sig"
    try:
        decode_bytes(b"\x00\x01\x02binary\x00")
    except NotText:
        pass
    else:
        raise AssertionError("binary bytes must be refused")


def test_short_texts_get_the_accurate_detectors_answer() -> None:
    from critica.text.language import _detector, detect_language

    _detector.cache_clear()
    assert detect_language("Qué peli tan aburrida")[0] == "es"
    assert detect_language("What a boring film, honestly.")[0] == "en"
    assert detect_language("Un film magnifique, vraiment.")[0] == "fr"
    assert detect_language("12345 !!!") == (None, 0.0)


def test_a_clear_short_text_does_not_load_the_slow_detector() -> None:
    # The accurate detector costs two seconds to load: cold start only pays it when unsure.
    from critica.text.language import _detector, detect_language

    _detector.cache_clear()
    assert detect_language("The acting is wonderful and the story is moving, I would watch it again.")[0] == "en"
    assert _detector.cache_info().currsize == 1


@pytest.mark.parametrize(
    "text",
    ["Genial!!", "Para olvidar.", "Encantadora.", "Imprescindible.", "Aburridisima, no la veais.", "Ni fu ni fa."],
)
def test_a_review_of_a_few_spanish_words_is_spanish(text: str) -> None:
    # lingua alone calls these Italian, Portuguese, Catalan or (sure at 0.99) French: Spanish wins a close call.
    from critica.text.language import detect_language

    assert detect_language(text)[0] == "es"


@pytest.mark.parametrize(
    ("text", "language"),
    [("Great movie, loved it.", "en"), ("Molto bella", "it"), ("Sehr gut", "de"), ("Obrigado, adorei", "pt")],
)
def test_a_few_words_clearly_of_another_language_are_not_spanish(text: str, language: str) -> None:
    from critica.text.language import detect_language

    assert detect_language(text)[0] == language


def test_spacy_imports_without_its_cli_which_still_works_afterwards() -> None:
    """The placeholders that keep spaCy's CLI out of a cold start leave nothing behind (fresh interpreter)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from critica.text.nlp import spanish_nlp\n"
        "doc = spanish_nlp()('La fotografía de Roger Deakins es preciosa.')\n"
        "assert [e.text for e in doc.ents] == ['Roger Deakins'], doc.ents\n"
        "assert not any(m == 'spacy.cli' or m.startswith('spacy.cli.') for m in sys.modules), 'CLI imported'\n"
        "assert 'requests' not in sys.modules and 'weasel' not in sys.modules\n"
        "import spacy\n"
        "assert spacy.info()['spacy_version'] == spacy.__version__\n"
        "import spacy.cli\n"
        "assert callable(spacy.cli.download) and sys.modules['spacy.cli'].__file__\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_unaccented_keeps_every_offset_and_is_idempotent(text: str) -> None:
    from critica.text.fold import unaccented

    plain = unaccented(text)
    assert len(plain) == len(text) and unaccented(plain) == plain
    assert all(a == b for a, b in zip(text, plain, strict=True) if a.isascii() or a in "ñÑ")


def test_a_spanish_cue_also_matches_its_words_typed_without_accents() -> None:
    import re

    from critica.text.patterns import accent_free, spanish_re

    assert accent_free("está") == "est[áa]" and accent_free("[a-zó]") == "[a-zóo]" and accent_free("[^ó]") == "[^ó]"
    assert accent_free(r"\é") == r"\é"  # an escape is kept as written
    pattern = spanish_re(r"\best[áa] genial como|interpretó a", re.I)
    assert all(pattern.search(t) for t in ("Está genial como", "esta genial como", "interpreto a", "interpretó a"))
