"""The text layer: decoding, clean-up and segmentation that keep original offsets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from critica.text.decode import decode_bytes
from critica.text.normalize import CleanText, clean
from critica.text.segment import Sentence, split_sentences


@dataclass(frozen=True)
class Document:
    """A review ready for the stages: original text, clean text and sentences."""

    clean: CleanText
    sentences: list[Sentence]

    @property
    def original(self) -> str:
        """The text as received; every offset in the contract indexes this."""
        return self.clean.original

    @property
    def text(self) -> str:
        """The normalised text the models read."""
        return self.clean.text

    @cached_property
    def spacy(self) -> Any:
        """The spaCy parse of the clean text, computed once and shared by the stages that need it."""
        from critica.text.nlp import spanish_nlp

        return spanish_nlp()(self.text)

    def use_parse(self, parse: Any) -> None:
        """Give the document a parse made elsewhere (several documents parsed together)."""
        self.__dict__["spacy"] = parse  # what the cached property would store


def prepare(text: str) -> Document:
    """Clean and segment a review."""
    cleaned = clean(text)
    return Document(cleaned, split_sentences(cleaned))


__all__ = ["CleanText", "Document", "Sentence", "clean", "decode_bytes", "prepare", "split_sentences"]
