"""Clean raw review text while remembering where every character came from.

Reviews arrive with HTML (`<br />`, `&amp;`), decomposed accents, odd
spaces and control characters. Models want clean text, but the contract
wants offsets into the text *as received*. `clean()` therefore builds the
normalised text piece by piece and keeps, for each output character, the
span of the original it stands for.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

# Tags and entities are matched on the original text; everything between
# them is copied (after unicode clean-up) with its offsets.
_MARKUP = re.compile(
    r"<!--.*?-->"  # comments
    r"|<(script|style)\b[^>]*>.*?</\1\s*>"  # script/style blocks, content dropped
    r"|</?[A-Za-z][^<>]{0,500}>"  # ordinary tags
    r"|&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",  # entities
    re.DOTALL | re.IGNORECASE,
)
_BLOCK_TAGS = re.compile(r"</?(br|p|div|li|ul|ol|h[1-6]|tr|table|blockquote)\b", re.I)
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class CleanText:
    """Normalised text plus, per character, the original span it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the clean text back to a span of the original text."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, piece: str, start: int, end: int) -> None:
        for ch in piece:
            self.chars.append(ch)
            self.starts.append(start)
            self.ends.append(end)

    def add_space(self, start: int, end: int) -> None:
        # Runs of whitespace collapse into one space that covers the whole run.
        if not self.chars:
            return
        if self.chars[-1] == " ":
            self.ends[-1] = end
        else:
            self.add(" ", start, end)

    def strip_trailing_space(self) -> None:
        if self.chars and self.chars[-1] == " ":
            for seq in (self.chars, self.starts, self.ends):
                seq.pop()


def _is_dropped(ch: str) -> bool:
    """Control and format characters (zero-width spaces, BOM, NUL) carry no text."""
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} and not _SPACE.match(ch)


def _copy_plain(builder: _Builder, original: str, start: int, end: int) -> None:
    i = start
    while i < end:
        ch = original[i]
        if _SPACE.match(ch):
            j = i + 1
            while j < end and _SPACE.match(original[j]):
                j += 1
            builder.add_space(i, j)
            i = j
            continue
        # A base character and the combining marks after it normalise together.
        j = i + 1
        while j < end and unicodedata.combining(original[j]):
            j += 1
        cluster = original[i:j]
        if not _is_dropped(ch):
            builder.add(unicodedata.normalize("NFC", cluster), i, j)
        i = j


def _replacement_for_markup(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith("&"):
        return html.unescape(token)
    return " " if _BLOCK_TAGS.match(token) else ""


def clean(original: str) -> CleanText:
    """Strip HTML, decode entities, NFC-normalise and collapse whitespace.

    Every character of the result knows its original span, so any span found
    on the clean text maps back exactly with `CleanText.to_original`.
    """
    builder = _Builder()
    pos = 0
    has_markup = "<" in original or "&" in original
    for match in _MARKUP.finditer(original) if has_markup else ():
        _copy_plain(builder, original, pos, match.start())
        replacement = _replacement_for_markup(match)
        if replacement.isspace():
            builder.add_space(match.start(), match.end())
        elif replacement:
            _copy_plain_replacement(builder, replacement, match.start(), match.end())
        pos = match.end()
    _copy_plain(builder, original, pos, len(original))
    builder.strip_trailing_space()
    return CleanText(
        original=original,
        text="".join(builder.chars),
        starts=tuple(builder.starts),
        ends=tuple(builder.ends),
    )


def _copy_plain_replacement(builder: _Builder, replacement: str, start: int, end: int) -> None:
    """An entity decodes to a few characters that all stand for the whole entity."""
    for ch in unicodedata.normalize("NFC", replacement):
        if _SPACE.match(ch):
            builder.add_space(start, end)
        elif not _is_dropped(ch):
            builder.add(ch, start, end)
