"""Turn bytes of unknown encoding into text, or say why it is not text."""

from __future__ import annotations

_FALLBACKS = ("utf-8-sig", "cp1252", "latin-1")


class NotText(ValueError):
    """The bytes look binary (NUL bytes, control characters), not like a review."""


def looks_binary(data: bytes) -> bool:
    """True when a sample has NUL bytes or is dense in control bytes."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return bool(sample) and controls / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode as UTF-8, else Windows-1252 / Latin-1; returns (text, encoding used).

    Raises NotText for binary data, since decoding it would invent characters.
    """
    if looks_binary(data):
        raise NotText("the input looks like binary data, not text")
    for encoding in _FALLBACKS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise NotText("undecodable bytes")  # latin-1 decodes anything; kept for type checkers
