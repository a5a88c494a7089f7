"""The learned film-title tagger: a spaCy NER component that marks FILM spans.

Trained by `critica train-titles` (critica/facts/title_train.py) and shipped
in `critica/models/film-titles`. It runs on the clean text with its own
tokenizer (spaCy's Spanish rules, the same as the parse's), so it never
touches the parse's entities, which the people rules read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from critica.errors import CriticaError

BUNDLED = Path(__file__).resolve().parent.parent / "models" / "film-titles"


class TitleTaggerError(CriticaError, RuntimeError):
    """The tagger's folder is missing or is not a spaCy pipeline with a FILM label."""


class TitleTagger:
    """FILM spans (character offsets) of texts."""

    def __init__(self, folder: Path = BUNDLED) -> None:
        """Load the spaCy pipeline in `folder`."""
        import spacy

        if not (folder / "config.cfg").exists():
            raise TitleTaggerError(f"{folder}: no film-title tagger here; rebuild it with `critica train-titles`")
        self.nlp = spacy.load(folder)
        if "FILM" not in self.nlp.get_pipe("ner").labels:
            raise TitleTaggerError(f"{folder}: the tagger has no FILM label")

    def spans(self, text: str) -> list[tuple[int, int]]:
        """FILM spans of one text."""
        return self.pipe([text])[0]

    def pipe(self, texts: Iterable[str], batch_size: int = 16) -> list[list[tuple[int, int]]]:
        """FILM spans of each text."""
        return [
            [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "FILM"]
            for doc in self.nlp.pipe(texts, batch_size=batch_size)
        ]
