"""Text patterns several modules share, written once."""

from __future__ import annotations

import re

QUOTE_MARKS = "\"'“”«»‘’"  # straight, curly and angle quotes around a title
YEAR = r"(?:18|19|20)\d\d"  # a film year as reviews write it: 1895 to 2099
# Words that negate what follows, lower case and without accents (as both the n-gram features and
# the aspects stage look words up): they turn a lexicon word's class and an opinion word's sign.
NEGATORS = frozenset("no nunca ni nada sin tampoco jamas ningun ninguno ninguna apenas".split())

_BASE = {"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "Á": "A", "É": "E", "Í": "I", "Ó": "O", "Ú": "U"}


def accent_free(pattern: str) -> str:
    """A regular expression that also matches its words typed without accents ("está" → "est[áa]").

    Each accented vowel outside a character class becomes a class with its base letter; inside a
    class ("[óo]", "[a-záéíóú]") the base letter is added, except in a negated class ("[^á]"), which
    is left as written. Escapes are kept as they are.
    """
    out: list[str] = []
    in_class = negated = escaped = False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[" and not in_class:
            in_class, negated = True, pattern[i + 1 : i + 2] == "^"
        elif ch == "]" and in_class and pattern[i - 1] not in "[^":
            in_class = False
        elif ch in _BASE and not negated:
            ch = ch + _BASE[ch] if in_class else f"[{ch}{_BASE[ch]}]"
        out.append(ch)
    return "".join(out)


def spanish_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(accent_free(pattern), flags)`: a Spanish cue that native reviewers may type without accents."""
    return re.compile(accent_free(pattern), flags)
