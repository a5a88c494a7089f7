"""The learned title tagger: its candidates and training labels, the shipped model, how the facts stage uses it."""

from __future__ import annotations

import pytest

from critica.facts import title_train as tt
from critica.facts.films import extract_films
from critica.facts.title_spans import BUNDLED, TitleTagger, TitleTaggerError, candidates

from .conftest import SHARED_DATA, needs_shared_data


def test_fold_chars_keeps_offsets() -> None:
    text = "Pedro Almodóvar y «La Piel Que Habito»"
    assert len(tt.fold_chars(text)) == len(text)
    assert tt.fold_chars("ÁÉÍÓÚÑ") == "aeioun"


def test_title_forms_and_distant_matches() -> None:
    assert tt.title_forms("Los Simpson: La Película") == ["Los Simpson: La Película", "Los Simpson"]
    text = "Vi La novia cadaver ayer. la novia cadáver es mejor que Yo, y yo lo sé. Vi Shrek Tercero."
    # Accents and case do not matter; a title of common words in lower case reads as prose, not a title.
    assert [text[a:b] for a, b in tt.find_title(text, "La Novia Cadáver")] == ["La novia cadaver"]
    assert [text[a:b] for a, b in tt.find_title(text, "shrek tercero")] == ["Shrek Tercero"]
    # A title of common words ("Yo") only counts capitalised mid-sentence or quoted, never "yo" or a sentence start.
    assert [text[a:b] for a, b in tt.find_title(text, "Yo")] == ["Yo"]
    assert tt.find_title("Yo no la vi.", "Yo") == []
    assert [m for m in tt.find_title('Me gustó "Yo" mucho.', "Yo")] == [(10, 12)]


def test_candidates_cover_sentence_case_titles_and_end_on_words() -> None:
    text = "Helen Mirren brilla en The Queen y en Diario de un escándalo, como en Los Simpson: La película."
    found = {c.text for c in candidates(text)}
    assert {"Helen Mirren", "The Queen", "Diario de un escándalo", "Los Simpson: La película"} <= found
    assert not any(c.split()[-1] in {"de", "y", "en", "la"} for c in found)  # never cut after a connector
    assert all(c.text == text[c.start : c.end] for c in candidates(text))


def test_training_labels_weigh_what_is_known() -> None:
    text = "Vi Torrente 2 con Santiago Segura en Madrid."
    example = tt.SpanText(text, [(18, 33, "PER"), (37, 43, "LOC")], [(3, 13)])
    rows = {
        text[c.start : c.end]: (label, weight)
        for c, label, weight in zip(candidates(text), *tt.labelled_spans(example)[1:], strict=True)
    }
    assert rows["Torrente 2"] == (1, tt.POSITIVE_WEIGHT)
    assert rows["Vi Torrente 2"] == (0, 1.0)  # a wrong boundary of a labelled title
    assert rows["Santiago Segura"] == (0, 1.0) and rows["Madrid"] == (0, 1.0)  # spaCy's person and place
    assert rows["Vi"] == (0, tt.UNLABELLED_WEIGHT)  # unknown: weakly "not a title"


def test_tagger_folder_errors_say_what_to_do(tmp_path) -> None:
    with pytest.raises(TitleTaggerError, match="critica train-titles"):
        TitleTagger(tmp_path)


@pytest.fixture(scope="module")
def tagger() -> TitleTagger:
    return TitleTagger(BUNDLED)


def test_bundled_tagger_finds_unquoted_titles(tagger: TitleTagger) -> None:
    from critica.text.nlp import spanish_nlp

    text = "Ridley Scott vuelve con American Gangster, una película mucho mejor que Gladiator."
    ents = [(e.start_char, e.end_char, e.label_) for e in spanish_nlp()(text).ents]
    found = {text[a:b] for a, b in tagger.spans(text, ents)}
    assert "American Gangster" in found
    assert "Ridley Scott" not in found
    assert 0.0 < tagger.threshold < 1.0 and tagger.meta["dev"]["f1"] > 0


def test_rules_win_where_they_fire_and_the_tagger_adds_the_rest() -> None:
    text = "«Los santos inocentes» me gustó, como American Gangster y Paco Martínez de."
    tagged = [(1, 12), (38, 55), (58, 74)]  # one overlaps the quoted title; one ends on a connector
    films = extract_films(text, tagged=tagged)
    assert [(f.title, f.rule) for f in films] == [
        ("Los santos inocentes", "film.quoted"),
        ("American Gangster", "film.tagged"),
    ]
    # A quoted string the quote rule vetoed (a song, speech) is not brought back by the tagger.
    shout = 'Y entonces "Acción" gritó el director.'
    assert extract_films(shout, tagged=[(11, 17)]) == []


@needs_shared_data()
def test_annotations_join_to_the_shared_corpora() -> None:
    from critica.evaluation.annotations import load_annotations

    rows = load_annotations(root=SHARED_DATA)
    assert len(rows) == 64
    parts = {(g["corpus"], g["part"]) for g, _ in rows}
    assert parts == {("muchocine", "dev"), ("muchocine", "test"), ("imdb_es", "dev"), ("imdb_es", "test")}
    for gold, text in rows:
        for person in gold["people"]:
            assert person["name"] and person["name"] in text
        for aspect in gold["aspects"]:
            assert all(e in text for e in aspect["evidence"])
    assert len(load_annotations(root=SHARED_DATA, part="test", corpus="imdb_es")) == 20


def test_a_title_only_the_tagger_found_needs_more_mentions_to_be_the_reviewed_film() -> None:
    from critica.facts.films import FilmFacts
    from critica.facts.reviewed import reviewed_film

    text = "Sascha llega tarde y nada funciona."  # one mention, in the opening: a score of 2
    tagged = FilmFacts("Sascha", 0, 6, occurrences=[0], rule="film.tagged")
    assert reviewed_film([tagged], text) is None
    quoted = FilmFacts("Sascha", 0, 6, occurrences=[0], rule="film.quoted")
    assert reviewed_film([quoted], text) is quoted  # the same mention found by a rule is enough
    twice = FilmFacts("Sascha", 0, 6, occurrences=[0, 20], rule="film.tagged")
    assert reviewed_film([twice], "Sascha llega tarde. Sascha se enamora.") is twice


def test_hashed_features_are_scikit_learns_feature_hasher_exactly() -> None:
    # The tagger was trained with FeatureHasher; run time hashes with mmh3 (no scikit-learn import).
    from sklearn.feature_extraction import FeatureHasher

    from critica.facts.title_spans import N_FEATURES, TextFeatures, features, hash_features

    text = "Vi «El laberinto del fauno» de Guillermo del Toro. Luego, Alien: el octavo pasajero. ñ 東京 😀"
    doc = TextFeatures.of(text, [(28, 47, "PER")])
    rows = [features(doc, c) for c in candidates(text)] + [["", "é", "a\x00b", "w=the"] * 2, []]
    expected = FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False).transform(rows)
    got = hash_features(rows)
    assert got.shape == expected.shape
    assert (got != expected).nnz == 0
    assert got.indices.tolist() == expected.indices.tolist()


def test_logits_are_the_hashed_matrix_times_the_weights(tagger: TitleTagger) -> None:
    from critica.facts.title_spans import TextFeatures, features, hash_features

    text = "Vi «Dark Fate» y luego American Gangster, de Ridley Scott, con Denzel Washington. The The The."
    doc = TextFeatures.of(text)
    rows = [features(doc, c) for c in candidates(text)]
    expected = hash_features(rows) @ tagger.weights + tagger.intercept
    assert len(rows) > 5
    assert tagger.logits(rows) == pytest.approx(expected, rel=1e-12, abs=1e-12)


# -- the encoder's reader (the default tier's titles) --------------------------------------------


def test_the_readers_columns_score_as_the_model_on_candidate_states() -> None:
    """Three output columns per piece give exactly the linear model over a candidate's states."""
    import re

    import numpy as np

    from critica.facts.title_encoder import EncoderReader, candidate_states
    from critica.text import EncodedPieces

    rng = np.random.default_rng(0)
    text = "Vi American Pie ayer con Jason Biggs."
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts = np.array([a for a, _ in words for _ in range(2)])  # two pieces a word
    ends = np.array([b for _, b in words for _ in range(2)])
    states = rng.normal(size=(len(starts), 2 * 4)).astype(np.float32)
    columns = rng.normal(size=(2, 4, 3)).astype(np.float32)
    reader = EncoderReader((6, 9), columns, hashed=0.7, bias=-0.2, threshold=0.5)
    spans = [(3, 15), (0, 2), (25, 36), (34, 37)]  # "American Pie", the first word, the last words
    dense = candidate_states(starts, ends, states, spans)
    weights = np.concatenate([columns[..., k].ravel() for k in range(3)])  # inside, before, after
    hashed = np.array([1.0, -2.0, 0.5, 0.0])
    expected = dense @ weights + 0.7 * hashed - 0.2
    pieces = EncodedPieces(starts, ends, states @ columns.reshape(-1, 3))
    np.testing.assert_allclose(reader.logits(spans, hashed, pieces), expected, rtol=1e-5, atol=1e-5)
    # "American Pie" reads its own four pieces and the pieces of "Vi" (before) and "ayer" (after)
    assert np.allclose(dense[0, :8], states[2:6].mean(axis=0)) and np.allclose(dense[0, 8:16], states[1])
    assert np.allclose(dense[1, 8:16], 0.0)  # nothing before the first word


def test_the_reader_needs_its_three_columns(tagger) -> None:
    import numpy as np

    from critica.text import EncodedPieces

    assert tagger.reader is not None, "the shipped tagger has an encoder reader"
    assert not tagger.reads(None)
    assert not tagger.reads(EncodedPieces(np.zeros(2), np.zeros(2), np.zeros((2, 1))))
    assert tagger.reads(EncodedPieces(np.zeros(2), np.zeros(2), np.zeros((2, 3))))


def test_the_default_tiers_encoder_pass_carries_the_titles_columns() -> None:
    """One encoder pass: the sentiment stage leaves the reader's columns for the facts stage."""
    import numpy as np

    from critica.config import Config
    from critica.resources import Resources
    from critica.sentiment.stage import explain
    from critica.text import ENCODER_PIECES, prepare

    model = Resources.shared(Config()).polarity
    doc = prepare("Superbad es una peli muy divertida. Michael Cera está genial.")
    explain(model, doc)
    pieces = doc.memo[ENCODER_PIECES]
    assert pieces.columns.shape == (len(pieces.starts), 3)
    assert doc.text[pieces.starts[0] : pieces.ends[0]] == "Superbad"
    assert (np.diff(pieces.starts) >= 0).all()
    tagger = TitleTagger(BUNDLED)
    assert tagger.reads(pieces)
    # the pieces change the tagger's reading (its reader, not the hashed classifier alone)
    with_reader = dict(tagger.scores(doc.text, (), pieces))
    alone = dict(tagger.scores(doc.text))
    assert with_reader.keys() == alone.keys() and with_reader != alone


def test_the_catalogue_labels_other_films_only_where_they_cannot_be_ordinary_words() -> None:
    catalogue = tt.TitleCatalogue(
        ["Big Fish", "Tierra", "Él", "Hostel", "La vida de los otros", "Nosferatu: el vampiro"]
    )
    text = (
        "Como Big Fish o Hostel, pero en la Tierra. Él no lo sabe. La vida de los otros es otra cosa; "
        "la vida de los otros me da igual. Vimos «Nosferatu» ayer."
    )
    found = [text[a:b] for a, b in catalogue.find(text)]
    # "Tierra" and "Él" are ordinary words, left out; a lower-case occurrence reads as prose; the part
    # before a colon ("Nosferatu") is a form of its title like the whole.
    assert found == ["Big Fish", "Hostel", "La vida de los otros", "Nosferatu"]


def test_the_reviews_own_words_and_credited_people_are_not_tagged_titles() -> None:
    def tagged_films(text: str, span: str) -> list[str]:
        start = text.index(span)
        return [f.title for f in extract_films(text, tagged=[(start, start + len(span))])]

    assert tagged_films("El guion es un desastre y la música machacona.", "El guion") == []
    assert tagged_films("Lo mejor, La Musica de la banda.", "La Musica") == []  # without accents too
    assert tagged_films("Protagonizada por Mario Ibáñez y Rosa Vidal.", "Mario Ibáñez y Rosa") == []
    assert tagged_films("La vida de los otros es una joya.", "La vida de los otros") == ["La vida de los otros"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Aliens Romulus es lo mejor de la saga desde la segunda.", "Aliens Romulus"),
        ("Me lo pasé bien. Oppenheimer es una película larguísima.", "Oppenheimer"),
        ("Moscow Zero es la segunda película de su director.", "Moscow Zero"),
    ],
)
def test_a_name_that_opens_a_sentence_and_is_called_a_film_is_a_title(text: str, title: str) -> None:
    from critica.facts.stage import extract_facts
    from critica.text import prepare

    found = extract_facts(prepare(text))
    assert [f.title for f in found.films] == [title]
    assert not found.people, "spaCy's person reading of the name loses to the rule"


def test_what_is_not_called_a_film_stays_a_person() -> None:
    from critica.facts.stage import extract_facts
    from critica.text import prepare

    for text in ("Javier Bardem es lo mejor de la película.", "Narrativamente es una película nula."):
        assert extract_facts(prepare(text)).films == []
