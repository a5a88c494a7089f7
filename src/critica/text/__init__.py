"""The text layer: decoding, clean-up and segmentation that keep original offsets."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from critica.text.decode import decode_bytes
from critica.text.normalize import CleanText, clean
from critica.text.segment import Sentence, split_sentences


@dataclass(frozen=True)
class EncodedPieces:
    """Per-piece outputs of the default tier's encoder for one review, in clean-text offsets.

    `starts`, `ends`: each piece's word span in `Document.text` (the pieces of one word share
    it); `columns`: pieces × k, the extra outputs the encoder was given. The sentiment stage
    writes them (`Document.memo[ENCODER_PIECES]`); the title tagger reads them.
    """

    starts: Any
    ends: Any
    columns: Any


ENCODER_PIECES = "encoder_pieces"  # the `Document.memo` key of the review's `EncodedPieces`


@dataclass(frozen=True)
class Document:
    """A review ready for the stages: original text, clean text and sentences.

    `memo` holds what one stage computed for a later one on the same review (the encoder's
    per-piece outputs, `ENCODER_PIECES`); it lives and dies with the document.
    """

    clean: CleanText
    sentences: list[Sentence]
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

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


__all__ = [
    "ENCODER_PIECES",
    "CleanText",
    "Document",
    "EncodedPieces",
    "Sentence",
    "clean",
    "decode_bytes",
    "prepare",
    "split_sentences",
]
