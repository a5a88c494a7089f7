"""The orchestrator end to end through the Python API, on good and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import critica
from critica.pipeline import Pipeline, replace_surrogates
from critica.schema import ASPECT_IDS

CONTRACT_KEYS = {"id", "language", "sentiment", "sentences", "evidence", "aspects", "facts", "quality", "errors"}


@pytest.fixture(scope="module")
def fast() -> Pipeline:
    return Pipeline(tier="fast")


def test_contract_shape_and_verdicts(fast: Pipeline, positive_review: str, negative_review: str) -> None:
    good = fast.analyze(positive_review, id="p1")
    bad = fast.analyze(negative_review)
    data = json.loads(json.dumps(good.to_dict()))
    assert set(data) >= CONTRACT_KEYS
    assert set(data["facts"]) >= {"films", "people", "awards"}
    assert data["id"] == "p1" and data["language"] == "es"
    assert data["sentiment"]["label"] == "positive" and 0.5 <= data["sentiment"]["score"] <= 1
    assert bad.sentiment.label == "negative"
    assert bad.id == critica.pipeline.review_id(negative_review)  # stable hash when no id is given
    assert all(a["aspect"] in ASPECT_IDS for a in data["aspects"])


def test_sentence_and_evidence_offsets_slice_the_input(fast: Pipeline, positive_review: str) -> None:
    text = "<p>" + positive_review.replace(". ", ".<br /><br />") + "</p>"
    result = fast.analyze(text)
    assert result.sentences, "sentences are reported"
    for sentence in result.sentences:
        assert -1 <= sentence.polarity <= 1
        assert text[sentence.start : sentence.end].strip()
    for item in result.evidence:
        assert text[item.start : item.end] == item.text
        assert -1 <= item.weight <= 1


def test_evidence_weights_come_from_the_model(fast: Pipeline, negative_review: str) -> None:
    model = fast.polarity_model
    result = fast.analyze(negative_review)
    sentences = [s.text for s in critica.text.prepare(negative_review).sentences]
    explanation = model.explain(sentences)
    # The decision decomposes exactly: base + sentence contributions = logit.
    assert explanation.base + explanation.contributions.sum() == pytest.approx(explanation.logit, abs=1e-5)
    assert model.predict_proba([sentences])[0] == pytest.approx(explanation.probability, abs=1e-5)
    top = max(result.evidence, key=lambda e: abs(e.weight))
    assert top.weight < 0, "the strongest passage of a negative review pushes toward negative"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_text"),
        ("   \n\t  ", "empty_text"),
        (None, "empty_text"),
        ("<div><br /><img src='x.png'/></div>", "no_words"),
        ("12345 !!! ... ---", "no_words"),
        ("This film was a complete waste of time, the acting is wooden and the plot makes no sense.", "not_spanish"),
        ("Ce film est magnifique, les acteurs sont excellents et la musique est superbe.", "not_spanish"),
        (b"\x00\x01\x02\x03\xff\xfe binary", "binary_input"),
        ("texto\x00con nulos", "binary_input"),
        (12345, "invalid_text"),
    ],
)
def test_bad_input_gets_a_flagged_result_not_an_exception(fast: Pipeline, text: object, code: str) -> None:
    result = fast.analyze(text, id="x")
    assert result.sentiment.label is None and result.sentiment.score is None
    assert [e.code for e in result.errors] == [code]
    assert result.errors[0].message
    json.dumps(result.to_dict())  # still serialisable


def test_not_spanish_reports_the_language(fast: Pipeline) -> None:
    result = fast.analyze("This film was a complete waste of time, the acting is wooden and the plot is silly.")
    assert result.language == "en"


def test_the_default_tier_judges_english_reviews_and_leaves_spanish_stages_empty() -> None:
    import critica

    text = "This film was a complete waste of time: the acting is wooden and the plot makes no sense at all."
    result = critica.analyze(text)
    assert result.language == "en" and result.errors == []
    assert result.sentiment.label == "negative" and 1.0 <= result.sentiment.rating < 3.0
    assert result.facts.people == [] and result.aspects == []
    french = critica.analyze("Ce film est magnifique, les acteurs sont excellents et la musique est superbe.")
    assert [e.code for e in french.errors] == ["not_spanish"]


def test_ratings_follow_the_verdict(fast: Pipeline, positive_review: str, negative_review: str) -> None:
    good, bad = fast.analyze(positive_review).sentiment, fast.analyze(negative_review).sentiment
    assert 1.0 <= bad.rating < good.rating <= 5.0
    assert fast.analyze("Una película estupenda, de las mejores del año.").to_dict()["sentiment"]["rating"] > 3.5


@pytest.mark.parametrize("tier", ["fast", "default"])
def test_a_one_line_review_and_its_sentence_agree(tier: str) -> None:
    import critica

    lines = ("Aburridísima.", "Una película estupenda.", "Peli del montón, la prota salva los muebles", "Un bodrio.")
    for line in lines:
        result = critica.get_pipeline(tier).analyze(line)
        assert len(result.sentences) == 1
        p_positive = result.sentiment.score if result.sentiment.label == "positive" else 1 - result.sentiment.score
        assert result.sentences[0].polarity == pytest.approx(2 * p_positive - 1, abs=2e-3)


_ANY_CHAR = st.characters(exclude_categories=())  # surrogates included: valid in Python and JSON strings
_SPANISH = st.sampled_from(["Una película estupenda. ", "Aburridísima, ", "la fotografía de Ana Ruiz ", "\ud800", "."])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(_ANY_CHAR, max_size=20), _SPANISH), max_size=12).map("".join))
def test_any_python_string_gives_an_encodable_contract_whose_offsets_slice_it(fast: Pipeline, text: str) -> None:
    result = fast.analyze(text).to_dict()
    json.dumps(result, ensure_ascii=False).encode("utf-8")  # no lone surrogate survives
    assert isinstance(result["id"], str) and result["id"]
    for span in result["sentences"] + result["evidence"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
    shown = replace_surrogates(text)[0]  # same length as the input
    for span in result["evidence"]:
        assert span["text"] == shown[span["start"] : span["end"]]


def test_lone_surrogates_are_replaced_and_said(fast: Pipeline) -> None:
    result = fast.analyze("Una película \ud800 estupenda.", id="s\udc00")
    assert result.sentiment.label == "positive" and result.id == "s\ufffd"
    assert [e.code for e in result.errors] == ["invalid_characters"]
    assert result.evidence[0].text == "Una película \ufffd estupenda."


def test_every_result_has_a_non_empty_string_id(fast: Pipeline) -> None:
    results = list(fast.analyze_many([None, 5, b"\x00\x01", {"review": None}, ("", "texto")]))
    ids = [r.id for r in results]
    assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids)
    assert fast.analyze("Una película estupenda.", id=123).id == "123"


def test_latin1_bytes_are_decoded(fast: Pipeline, positive_review: str) -> None:
    result = fast.analyze(positive_review.encode("latin-1", errors="replace"))
    assert result.sentiment.label == "positive"


def test_huge_review_is_flagged_not_truncated(fast: Pipeline, positive_review: str) -> None:
    huge = (positive_review + " ") * (5_000_000 // len(positive_review))
    result = fast.analyze(huge)
    assert [e.code for e in result.errors] == ["text_too_long"]
    assert result.sentiment.label is None


def test_long_review_is_read_whole(fast: Pipeline, positive_review: str, negative_review: str) -> None:
    head = " ".join([positive_review] * 5)  # already beyond 512 tokens
    ends_badly = fast.analyze(head + " " + " ".join([negative_review] * 20))
    ends_well = fast.analyze(head + " " + " ".join([positive_review] * 20))
    assert ends_badly.sentences[-1].end == len(head) + 1 + len(" ".join([negative_review] * 20)) - 1
    # A reader that truncated at the head would give both the same probability.
    assert ends_badly.sentiment.score < ends_well.sentiment.score


def test_analyze_many_streams_in_order(fast: Pipeline, positive_review: str, negative_review: str) -> None:
    items = [("a", positive_review), {"id": "b", "review": negative_review}, "", critica.Review(negative_review, "d")]
    results = list(fast.analyze_many(iter(items)))
    assert [r.id for r in results[:2]] == ["a", "b"] and results[3].id == "d"
    assert [r.sentiment.label for r in results] == ["positive", "negative", None, "negative"]


def test_public_api_default_tier(positive_review: str) -> None:
    result = critica.analyze(positive_review, id="r1")
    assert result.sentiment.label == "positive"
    assert result.sentiment.model.endswith("default")
    assert len(result.sentences) == len(result.to_dict()["sentences"]) > 3


@critica.register_stage("broken", assigns=("extra",))
class Broken:
    """A stage from outside critica that always fails."""

    def __init__(self, resources) -> None:
        pass

    def run(self, doc, analysis) -> None:
        raise RuntimeError("boom")


@critica.register_stage("length", assigns=("extra",))
class Length:
    """A stage from outside critica: it reads the shared resources and writes under `extra`."""

    def __init__(self, resources) -> None:
        self.model_name = resources.polarity.name

    def run(self, doc, analysis) -> None:
        analysis.extra["length"] = {"chars": len(doc.text), "sentences": len(doc.sentences), "by": self.model_name}


def test_a_failing_stage_becomes_an_error_entry(positive_review: str) -> None:
    pipeline = Pipeline.from_config(
        critica.Config(tier="fast", stages=("sentiment", "facts", "aspects", "quality", "broken"))
    )
    result = pipeline.analyze(positive_review)
    assert result.sentiment.label == "positive"
    assert [e.code for e in result.errors] == ["broken_failed"]


def test_a_stage_from_outside_critica_runs_from_the_config_and_fills_extra(positive_review: str) -> None:
    config = critica.Config(tier="fast", stages=("sentiment", "length"))
    result = Pipeline.from_config(config).analyze(positive_review)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["extra"]["length"]["sentences"] == len(result.sentences) > 0
    assert data["extra"]["length"]["by"] == result.sentiment.model
    assert data["facts"] == {"films": [], "people": [], "awards": [], "festivals": []}  # facts did not run
    assert "extra" not in critica.get_pipeline("fast").analyze(positive_review).to_dict()


def test_invalid_configurations_raise_a_critica_error_that_names_the_choices() -> None:
    with pytest.raises(critica.CriticaError, match=r"unknown tier 'no-such-tier'.*default.*fast"):
        critica.Config(tier="no-such-tier")
    with pytest.raises(critica.CriticaError, match="unknown stage 'nope'"):
        critica.Config(stages=("sentiment", "nope"))
    with pytest.raises(critica.CriticaError, match="start with 'sentiment'"):
        critica.Config(stages=("facts",))
    with pytest.raises(critica.CriticaError, match="workers must be a positive"):
        critica.Config(workers=0)
    with pytest.raises(critica.CriticaError, match="max_chars"):
        critica.Config(max_chars=-5)
    with pytest.raises(critica.CriticaError, match="must assign fields of Analysis"):
        critica.register_stage("bad", assigns=("no_such_field",))


def test_a_registered_tier_is_one_entry_plus_its_model_files(tmp_path: Path, positive_review: str) -> None:
    import shutil

    from critica.tiers import get_tier

    folder = tmp_path / "polarity-copy"
    shutil.copytree(get_tier("fast").folder, folder)
    critica.register_tier(critica.Tier("copy-of-fast", folder, recipe="fast"))
    copied = Pipeline.from_config(critica.Config(tier="copy-of-fast")).analyze(positive_review).to_dict()
    assert copied == critica.get_pipeline("fast").analyze(positive_review).to_dict()


def test_each_builtin_stage_fills_only_the_fields_it_declares(positive_review: str) -> None:
    from dataclasses import fields

    from critica.resources import Resources
    from critica.schema import Analysis, Sentiment
    from critica.stages import DEFAULT_STAGES, get_stage
    from critica.text import prepare

    doc = prepare(positive_review)
    resources = Resources.shared(critica.Config(tier="fast"))
    for name in DEFAULT_STAGES:
        spec = get_stage(name)
        blank = Analysis("x", "es", Sentiment(None, None, None))
        filled = Analysis("x", "es", Sentiment(None, None, None))
        spec.factory(resources).run(doc, filled)
        changed = {f.name for f in fields(Analysis) if getattr(filled, f.name) != getattr(blank, f.name)}
        assert changed and changed <= set(spec.assigns), (name, changed)


def test_default_tier_decision_splits_exactly_over_sentences(negative_review: str) -> None:
    model = critica.get_pipeline("default").polarity_model
    assert model.uses_encoder
    sentences = [s.text for s in critica.text.prepare(negative_review).sentences]
    explanation = model.explain(sentences)
    # n-gram terms and encoder token scores both sum over sentences: base + contributions = logit.
    assert explanation.base + explanation.contributions.sum() == pytest.approx(explanation.logit, abs=1e-4)
    assert model.predict_proba([sentences])[0] == pytest.approx(explanation.probability, abs=1e-5)
    assert explanation.probability < 0.5
    assert (np.abs(explanation.sentence_polarity) <= 1).all()
    assert explanation.sentence_polarity.min() < 0, "the negative review has a negative sentence"


def test_a_batch_gives_the_same_results_as_one_review_at_a_time() -> None:
    """Batches parse their reviews together (nlp.pipe); the results must not change by a byte."""
    from .conftest import EXAMPLES, ROOT

    texts = [
        json.loads(line)["review"] for line in (ROOT / "data" / "native_es_reviews.jsonl").read_text().splitlines()
    ]
    texts += [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    texts += ["", "This is an English review of a film, quite good.", "<p>¡Genial!</p>", b"\x00\x01"]
    pipeline = critica.get_pipeline("fast")
    one_by_one = [json.dumps(pipeline.analyze(t, id=str(i)).to_dict()) for i, t in enumerate(texts)]
    batched = [json.dumps(a.to_dict()) for a in pipeline.analyze_many((str(i), t) for i, t in enumerate(texts))]
    assert batched == one_by_one and len(batched) == len(texts)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_memory_goes_back_to_the_system() -> None:
    # 1 KB blocks come from glibc's heap; the last one kept pins the heap's top, so only a trim returns the rest.
    code = (
        "from critica.resources import release_freed_memory\n"
        "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * 4096 // 2**20\n"
        "blocks = [bytearray(1024) for _ in range(200_000)]\n"
        "keep = blocks[-1]\n"
        "del blocks\n"
        "before = rss()\n"
        "release_freed_memory()\n"
        "print(before - rss())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert int(out.stdout) >= 100  # about 200 MB were free inside the process
