"""The credits table: what training reviews credit people with, and how the people stage uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from critica.facts.credits import BUNDLED, CreditTable, CreditTableError, count_people_seen, mine_credits
from critica.facts.stage import extract_facts
from critica.text import prepare

from .conftest import SHARED_DATA, needs_shared_data

TRAINING = [
    "Dirigida por Marta Olmedo, la película respira. La fotografía de Iker Sainz es fría.",
    "La nueva película de la directora Marta Olmedo decepciona.",
    "Otra vez dirigida por Marta Olmedo; Olmedo repite tics.",
    "Protagonizada por Lucas Brenner, un drama rural. Lucas Brenner está inmenso.",
    "El actor Lucas Brenner interpreta a un pastor.",
    "Protagonizada por Ana Brenner, una comedia menor.",
    "Ana Brenner vuelve. Ana Brenner, siempre igual.",
]


@pytest.fixture(scope="module")
def table() -> CreditTable:
    return mine_credits(TRAINING)


def test_mining_counts_each_credited_mention_and_every_mention(table: CreditTable) -> None:
    assert table.counts["marta olmedo"] == {"director": 3}
    assert table.counts["lucas brenner"] == {"actor": 2}
    assert table.mentions["lucas brenner"] == 3  # the uncredited "Lucas Brenner está inmenso" counts as a mention
    assert table.namesakes["brenner"] == 2 and table.namesakes["olmedo"] == 1
    assert "iker sainz" in table.counts and "olmedo" not in table.counts  # the lone surname is never credited


def test_roles_need_enough_credits_in_a_large_enough_share_of_mentions(table: CreditTable) -> None:
    assert table.roles("Marta Olmedo") == {"director"}
    assert table.roles("Iker Sainz") == set()  # credited once: not vouched for
    assert table.roles("Olmedo") == set()  # a lone word's own credits are never read
    rare = CreditTable({"estados unidos": {"actor": 2}}, {"estados unidos": 166}, {})
    assert rare.roles("Estados Unidos") == set()  # credited in 1% of its mentions: a misread cue


def test_a_lone_surname_is_known_only_without_namesakes(table: CreditTable) -> None:
    assert table.full_name("Olmedo") == "marta olmedo" and table.knows("Olmedo")
    assert table.roles_of_person("Olmedo") == {"director"}
    assert table.full_name("Brenner") is None and not table.knows("Brenner")  # Lucas and Ana Brenner


def test_the_table_gives_uncued_people_their_role_and_vouches_for_lone_surnames(table: CreditTable) -> None:
    text = "Me gustó mucho. Marta Olmedo no falla y Brenner tampoco. Olmedo sabe mirar."
    alone = {p.name: p.roles for p in extract_facts(prepare(text)).people}
    with_table = {p.name: p.roles for p in extract_facts(prepare(text), credits=table).people}
    assert alone.get("Marta Olmedo") == [] and with_table["Marta Olmedo"] == ["director"]
    assert "Brenner" not in with_table  # two Brenners in the corpus: nobody to resolve it to
    lone = extract_facts(prepare("Pocas sorpresas: Olmedo rueda lo de siempre."), credits=table).people
    assert [(p.name, p.roles) for p in lone] == [("Olmedo", ["director"])]


def test_a_surname_two_people_of_the_review_share_stays_unresolved(table: CreditTable) -> None:
    # The corpus knows one Olmedo; this review has two, so the lone "Olmedo" could be either.
    text = "Protagonizada por Rosa Olmedo. La directora Marta Olmedo firma su mejor obra. Olmedo manda."
    names = [p.name for p in extract_facts(prepare(text), credits=table).people]
    assert "Olmedo" not in names and {"Rosa Olmedo", "Marta Olmedo"} <= set(names)


def test_the_review_own_credit_wins_over_the_table(table: CreditTable) -> None:
    found = extract_facts(prepare("El actor Marta Olmedo sorprende en un papel breve."), credits=table).people
    assert [(p.name, p.roles) for p in found] == [("Marta Olmedo", ["actor"])]


def test_save_load_round_trip_and_a_clear_error_for_a_bad_file(table: CreditTable, tmp_path: Path) -> None:
    table.save(tmp_path / "credits.json", {"test": len(TRAINING)})
    again = CreditTable.load(tmp_path / "credits.json")
    assert (again.counts, again.mentions, again.namesakes) == (table.counts, table.mentions, table.namesakes)
    seen = CreditTable(table.counts, table.mentions, table.namesakes, {"sara okafor": 4})
    seen.save(tmp_path / "seen.json", {})
    assert CreditTable.load(tmp_path / "seen.json").people_seen == {"sara okafor": 4}
    (tmp_path / "bad.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(CreditTableError, match="critica train-credits"):
        CreditTable.load(tmp_path / "bad.json")
    with pytest.raises(CreditTableError, match="critica train-credits"):
        CreditTable.load(tmp_path / "missing.json")


def test_the_bundled_table_loads_and_the_pipeline_uses_it() -> None:
    import critica

    bundled = CreditTable.load(BUNDLED)
    assert len(bundled.counts) > 1000 and bundled.roles("John Williams") == {"composer"}
    config = critica.Config(tier="fast", stages=("sentiment", "facts"))
    text = "Vuelve John Williams, y vuelve a estar en forma."
    with_credits = critica.Pipeline.from_config(config).analyze(text).facts.people
    without = critica.Pipeline.from_config(config.with_(credits=False)).analyze(text).facts.people
    assert [(p.name, p.roles) for p in without] == [("John Williams", [])]
    assert [(p.name, p.roles) for p in with_credits] == [("John Williams", ["composer"])]


def test_full_names_spacy_reads_as_people_are_counted_once_per_review() -> None:
    texts = ["Sara Okafor y Sara Okafor otra vez.", "Con Sara Okafor y el gran Toni.", "Okafor, Madrid."]
    ents = [[(0, 11, "PER"), (14, 25, "PER")], [(4, 15, "PER"), (25, 29, "PER")], [(0, 6, "PER"), (8, 14, "LOC")]]
    # A lone word is not a full name, nor is a place; one review naming her twice counts once.
    assert count_people_seen(texts, ents) == {"sara okafor": 2}
    table = CreditTable({}, {}, {}, {"sara okafor": 2, "leo okafor": 3, "ana ruiz": 1})
    assert table.surname_seen("Okafor") == (5, "leo okafor") and table.surname_seen("Nadie") == (0, None)


@pytest.fixture(scope="module")
def seen_table() -> CreditTable:
    # Two Okafors in the corpus: the credits alone cannot resolve a lone "Okafor" (`full_name`).
    counts = {"sara okafor": {"director": 3}}
    seen = {"sara okafor": 5, "leo okafor": 2, "lena kowal": 4, "tom brandt": 2}
    return CreditTable(counts, {"sara okafor": 3}, {"okafor": 2}, seen)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Se nota la huella de Okafor en cada plano.", [("Okafor", ["director"])]),  # the likeliest one's credits
        ("Se nota la mano de Kowal en cada plano.", [("Kowal", [])]),
        ("Kowal abre la película con un plano largo.", []),  # opening a sentence every word is capitalised
        ('Vimos la película "Kowal" ayer.', []),  # quoted: a title
        ("Ganó el premio por interpretar a Kowal en su biografía.", []),  # whom an actor plays
        ("Se nota la mano de Brandt en cada plano.", []),  # named in full in two training reviews only
    ],
)
def test_a_lone_surname_the_training_reviews_name_in_full_is_a_person(
    seen_table: CreditTable, text: str, expected: list
) -> None:
    found = extract_facts(prepare(text), credits=seen_table).people
    assert [(p.name, p.roles) for p in found] == expected


@needs_shared_data()
def test_train_credits_rebuilds_the_bundled_table(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from critica.cli import app

    result = CliRunner().invoke(app, ["train-credits", "--corpora", str(SHARED_DATA), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "credits.json").read_bytes() == BUNDLED.read_bytes()
