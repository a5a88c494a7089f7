"""The learned reviewed-film chooser: its features, its choice, its file and its training arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from critica.facts.films import FilmFacts
from critica.facts.reviewed import FEATURES, ChooserError, ReviewedChooser, candidate_features
from critica.facts.reviewed_train import choice_scores, pick


def film(title: str, text: str, rule: str = "film.quoted") -> FilmFacts:
    starts = [i for i in range(len(text)) if text.startswith(title, i)]
    return FilmFacts(title, starts[0], starts[0] + len(title), occurrences=starts, rule=rule)


TEXT = (
    '"Marea baja" es una de las mejores películas del año, dirigida con pulso. '
    'Recuerda a "Tiburón", pero con más calma. Al final, "Marea baja" se queda contigo.'
)


def test_features_say_how_often_where_and_how_a_candidate_is_named() -> None:
    ours, other = film("Marea baja", TEXT), film("Tiburón", TEXT)
    mine = candidate_features(ours, [ours, other], TEXT)
    theirs = candidate_features(other, [ours, other], TEXT)
    assert set(mine) == set(FEATURES)
    assert mine["verdict"] == 1.0 and theirs["verdict"] == 0.0
    assert mine["at_start"] == mine["earliest"] == mine["most_named"] == 1.0
    assert theirs["compared_share"] == 1.0 and mine["compared_share"] == 0.0  # "Recuerda a «Tiburón»"
    assert mine["share"] == pytest.approx(2 / 3)
    assert mine["quoted"] == 1.0 and mine["tagged"] == 0.0
    assert mine["subject"] == 1.0 and theirs["subject"] == 0.0  # '"Marea baja" es una de las mejores'


def test_features_see_a_maker_after_the_title_and_an_earlier_work_before_it() -> None:
    text = 'Llega "Niebla" de Ana Ruiz. Tras "Lluvia", su anterior película, Ana Ruiz vuelve al misterio.'
    ours, earlier = film("Niebla", text), film("Lluvia", text)
    mine = candidate_features(ours, [ours, earlier], text)
    theirs = candidate_features(earlier, [ours, earlier], text)
    assert mine["maker_after"] == 1.0 and theirs["maker_after"] == 0.0
    assert theirs["earlier_work"] == 1.0 and mine["earlier_work"] == 0.0


def test_the_bundled_chooser_picks_the_film_judged_in_the_opening_not_the_one_compared() -> None:
    chooser = ReviewedChooser.load()
    ours, other = film("Marea baja", TEXT), film("Tiburón", TEXT)
    assert chooser.choose([other, ours], TEXT) is ours
    assert chooser.probability(ours, [ours, other], TEXT) > chooser.probability(other, [ours, other], TEXT)
    assert chooser.choose([], TEXT) is None


def test_no_candidate_below_the_threshold_is_the_reviewed_film() -> None:
    ours = film("Marea baja", TEXT)
    weights = dict.fromkeys(FEATURES, 0.0)
    assert ReviewedChooser(weights, bias=-3.0, threshold=0.3).choose([ours], TEXT) is None
    assert ReviewedChooser(weights, bias=3.0, threshold=0.3).choose([ours], TEXT) is ours


def test_the_pipeline_reports_the_chosen_film_as_reviewed() -> None:
    import critica

    result = critica.analyze(TEXT, critica.Config(tier="fast")).to_dict()
    reviewed = [f["title"] for f in result["facts"]["films"] if f["reviewed"]]
    assert reviewed == ["Marea baja"]


def test_a_chooser_file_made_for_other_features_says_how_to_rebuild_it(tmp_path: Path) -> None:
    ReviewedChooser(dict.fromkeys(FEATURES, 0.5), 0.1, 0.4, {"note": "x"}).save(tmp_path)
    again = ReviewedChooser.load(tmp_path / "chooser.json")
    assert again.threshold == 0.4 and again.weights[FEATURES[0]] == 0.5
    payload = json.loads((tmp_path / "chooser.json").read_text())
    payload["features"] = ["mentions"]
    (tmp_path / "chooser.json").write_text(json.dumps(payload))
    with pytest.raises(ChooserError, match="make model-reviewed"):
        ReviewedChooser.load(tmp_path / "chooser.json")
    with pytest.raises(ChooserError, match="cannot read"):
        ReviewedChooser.load(tmp_path / "missing.json")


def test_the_review_level_choice_is_scored_against_the_reviews_that_name_their_film() -> None:
    review = np.array([0, 0, 1, 1, 2])
    y = np.array([True, False, False, False, True])  # review 1 does not name its film
    probability = np.array([0.9, 0.2, 0.6, 0.1, 0.25])
    picked = pick(probability, review, threshold=0.3)
    assert picked.tolist() == [True, False, True, False, False]
    scores = choice_scores(y, review, picked, reviews=3)
    assert (scores["right"], scores["wrong"], scores["named"]) == (1, 1, 2)
    assert scores["precision"] == 0.5 and scores["recall"] == 0.5
