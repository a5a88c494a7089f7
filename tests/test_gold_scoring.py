"""Scoring extracted facts against a gold file: the matching rules and the command that prints them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from critica.evaluation.gold import score_facts

GOLD = {
    "id": "r1",
    "films": [
        {"title": "Las grúas están volando", "original_title": "Letyat Zhuravli", "year": 1957, "reviewed": True},
        {"title": "La infancia de Iván", "original_title": None, "year": None, "reviewed": False},
    ],
    "people": [
        {"name": "Mijaíl Kalatózov", "roles": ["director"], "character": None},
        {"name": "Tatiana Samóilova", "roles": ["actor"], "character": "Verónika"},
        {"name": "Alekséi Batálov", "roles": ["actor"], "character": "Borís"},
    ],
    "awards": [{"award": "Palma de Oro"}],
}
PREDICTED = {
    "films": [
        {"title": "Letyat Zhuravli", "original_title": None, "year": 1957, "reviewed": False},
        {"title": "La infancia de Iván", "original_title": None, "year": None, "reviewed": True},
        {"title": "Solaris", "original_title": None, "year": None, "reviewed": False},
    ],
    "people": [
        {"name": "Kalatozov", "roles": ["director"], "character": None},  # surname alone, accents differ
        {"name": "Tatiana Samoilova", "roles": ["actor"], "character": "Veronika"},
        {"name": "Andréi Tarkovski", "roles": ["director"], "character": None},
    ],
    "awards": [{"award": "Palma de Oro"}],
}


def test_matching_is_accent_case_and_surname_tolerant_and_counts_every_kind() -> None:
    scores = score_facts([(GOLD, PREDICTED)])
    counts = {kind: (s.tp, s.fp, s.fn) for kind, s in scores.items()}
    assert counts["people"] == (2, 1, 1)  # Batálov missed, Tarkovski invented
    assert counts["people_with_roles"] == (2, 1, 1)
    assert counts["characters"] == (1, 0, 1)
    assert counts["films"] == (2, 1, 0)  # an original title matches the film
    assert counts["reviewed_film"] == (0, 1, 1)  # the wrong film flagged as the reviewed one
    assert counts["years"] == (1, 0, 0)
    assert counts["awards"] == (1, 0, 0)
    assert "r1: Alekséi Batálov" in scores["people"].misses
    assert round(scores["people"].f1, 3) == 0.667


def evaluate_facts(gold: Path, *options: str) -> subprocess.CompletedProcess[bytes]:
    """`critica evaluate --facts GOLD [options]` in a fresh process."""
    command = [sys.executable, "-m", "critica.cli", "evaluate", "--facts", str(gold), *options]
    return subprocess.run(command, capture_output=True, timeout=300)


def test_evaluate_facts_prints_the_table_and_the_misses(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    row = {
        "id": "g1",
        "review": "La película Niebla (1994), dirigida por Lucía Ferrer, ganó la Concha de Oro. "
        "Protagonizada por Mario Ibáñez, con Rosa Vidal (Marta) en su mejor papel.",
        "films": [{"title": "Niebla", "original_title": None, "year": 1994, "reviewed": True}],
        "people": [
            {"name": "Lucía Ferrer", "roles": ["director"], "character": None},
            {"name": "Mario Ibáñez", "roles": ["actor"], "character": None},
            {"name": "Rosa Vidal", "roles": ["actor"], "character": "Marta"},
            {"name": "Pablo Sanz", "roles": ["writer"], "character": None},
        ],
        "awards": [{"award": "Concha de Oro"}],
    }
    gold.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    done = evaluate_facts(gold)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "people_with_roles" in out and "reviewed_film" in out
    assert "Pablo Sanz" in out  # the miss is listed


def test_each_facts_rule_is_scored_alone(tmp_path: Path) -> None:
    from critica.evaluation.gold import evaluate_facts_file
    from critica.facts.rules import RULE_IDS

    gold = tmp_path / "gold.jsonl"
    row = {
        "id": "g1",
        "review": "Vi la película Niebla, dirigida por Lucía Ferrer, y me encantó. Vi también «Lluvia» y "
        "«Invierno». Está inmensa Ana Soler Prieto (Marta).",
        "films": [{"title": "Niebla"}, {"title": "Lluvia"}],
        "people": [{"name": "Lucía Ferrer", "roles": ["director"]}, {"name": "Ana Soler Prieto", "roles": ["actor"]}],
        "awards": [],
    }
    gold.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    scores = evaluate_facts_file(gold, None, by_rule=True)
    assert set(scores) == RULE_IDS
    quoted, cued = scores["film.quoted"], scores["film.cued"]
    assert (quoted.tp, quoted.fp, quoted.fn) == (1, 1, 1)  # «Lluvia» right, «Invierno» not in the gold
    assert (cued.tp, cued.fp, cued.fn) == (1, 0, 1)  # "la película Niebla"
    assert scores["person.credited"].tp == 1 and scores["person.credited"].fn == 1
    assert scores["person.character_pair"].tp == 1
    done = evaluate_facts(gold, "--by-rule")
    assert done.returncode == 0, done.stderr.decode()
    assert "film.quoted" in done.stdout.decode() and "Invierno" in done.stdout.decode()


def test_evaluate_aspects_reads_each_review_as_the_pipeline_does(tmp_path: Path) -> None:
    from dataclasses import asdict

    import critica
    from critica.evaluation.gold import evaluate_aspects_file

    review = "La fotografía es preciosa. El guion es un desastre. Vi la película en un cine de barrio."
    row = {
        "id": "a1",
        "review": review,
        "aspects": [
            {"aspect": "fotografia", "polarity": "positive"},
            {"aspect": "guion", "polarity": "negative"},
            {"aspect": "musica", "polarity": "negative"},  # not in the text: a miss
        ],
    }
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    scores = evaluate_aspects_file(gold, None, tier="fast")
    pipeline = [(a["aspect"], a["polarity"]) for a in asdict(critica.get_pipeline("fast").analyze(review))["aspects"]]
    assert pipeline == [("fotografia", "positive"), ("guion", "negative")]
    pairs = scores["aspect_polarity"]
    assert (pairs.tp, pairs.fp, pairs.fn) == (2, 0, 1) and "a1: musica:negative" in pairs.misses
