"""The learned title tagger: its training labels, the shipped model, how the facts stage uses it."""

from __future__ import annotations

import pytest
import spacy

from critica.facts import title_train as tt
from critica.facts.films import extract_films
from critica.facts.title_tagger import BUNDLED, TitleTagger, TitleTaggerError

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


def test_partial_labels_leave_unknown_capitals_missing() -> None:
    nlp = spacy.blank("es")
    text = 'Vi "Tesis" con Ana Torrent y me gustó La Cosecha.'
    doc = tt.to_doc(nlp, tt.Labelled(text, [(4, 9)], [(15, 26)]))
    tags = {t.text: (t.ent_iob_, t.ent_type_) for t in doc}
    assert tags["Tesis"] == ("B", "FILM")
    assert tags["Ana"] == ("O", "") and tags["Torrent"] == ("O", "")  # a credited person: taught as not a title
    assert tags["Cosecha"] == ("", "") and tags["La"] == ("", "")  # unknown capitals: missing, not O
    assert tags["Vi"] == ("O", "")  # an ordinary word opening the sentence is not a title
    assert tags["gustó"] == ("O", "")
    complete = tt.to_doc(nlp, tt.Labelled(text, [(4, 9)], [], complete=True))
    assert {t.text: t.ent_iob_ for t in complete}["Cosecha"] == "O"  # a fully labelled text has no missing tokens


def test_tagger_folder_errors_say_what_to_do(tmp_path) -> None:
    with pytest.raises(TitleTaggerError, match="critica train-titles"):
        TitleTagger(tmp_path)


@pytest.fixture(scope="module")
def tagger() -> TitleTagger:
    return TitleTagger(BUNDLED)


def test_bundled_tagger_finds_unquoted_titles(tagger: TitleTagger) -> None:
    text = "Ridley Scott vuelve con American Gangster, mucho mejor que Gladiator."
    found = {text[a:b] for a, b in tagger.spans(text)}
    assert "American Gangster" in found
    assert "Ridley Scott" not in found


def test_rules_win_where_they_fire_and_the_tagger_adds_the_rest(tagger: TitleTagger) -> None:
    text = "«Tesis» me gustó, como American Gangster."
    films = extract_films(text, tagged=[(1, 8), (23, 40)])  # a tagger span overlapping the quoted one
    assert [(f.title, f.rule) for f in films] == [("Tesis", "film.quoted"), ("American Gangster", "film.tagged")]


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
