"""Turn bytes of unknown encoding into text, or say why it is not text."""

from __future__ import annotations

import codecs

from critica.errors import CriticaError

_FALLBACKS = ("utf-8-sig", "cp1252", "latin-1")
# UTF-32 first: its little-endian BOM begins with UTF-16's. Spreadsheets export "Unicode text" this way.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class NotText(CriticaError, ValueError):
    """The bytes look binary (NUL bytes, control characters), not like a review."""


def bom_encoding(data: bytes) -> str | None:
    """The UTF-16/32 encoding a byte-order mark announces, if any."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def looks_binary(data: bytes, stray_nul_ok: bool = False) -> bool:
    """True when a sample has NUL bytes or is dense in control bytes.

    `stray_nul_ok`: a file of many rows may hold a few NULs in one bad row; that row is
    reported by the reader, and only a sample dense in NULs or control bytes is binary.
    """
    sample = data[:8192]
    if not sample or bom_encoding(sample):
        return False
    nuls = sample.count(b"\x00")
    if nuls and (not stray_nul_ok or nuls / len(sample) > 0.05):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (0, 9, 10, 13, 12))
    return controls / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode as UTF-8, else Windows-1252 / Latin-1; returns (text, encoding used).

    Raises NotText for binary data, since decoding it would invent characters.
    """
    announced = bom_encoding(data)
    if announced:
        try:
            return data.decode(announced), announced
        except UnicodeDecodeError as exc:
            raise NotText(f"the input starts with a {announced} byte-order mark but does not decode as it") from exc
    if looks_binary(data):
        raise NotText("the input looks like binary data, not text")
    for encoding in _FALLBACKS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise NotText("undecodable bytes")  # latin-1 decodes anything; kept for type checkers
