"""The text layer: decoding, clean-up and segmentation that keep original offsets."""

from __future__ import annotations

from dataclasses import dataclass

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


def prepare(text: str) -> Document:
    """Clean and segment a review."""
    cleaned = clean(text)
    return Document(cleaned, split_sentences(cleaned))


__all__ = ["CleanText", "Document", "Sentence", "clean", "decode_bytes", "prepare", "split_sentences"]
