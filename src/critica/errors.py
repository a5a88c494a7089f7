"""The one base of every error critica raises on purpose.

Catch `CriticaError` to handle them all; each subclass also keeps the built-in
base callers knew before (ValueError, RuntimeError), and every message says
what to do next. Problems with one review are never raised: they become
`errors` entries of its result.
"""

from __future__ import annotations


class CriticaError(Exception):
    """An input, model, store or service problem that critica can explain."""


# Every code a result's `errors` entry can carry, and what it means (the README lists the same).
REVIEW_ERROR_CODES: dict[str, str] = {
    "empty_text": "no text, or only whitespace",
    "no_words": "no words once markup and symbols are removed",
    "not_spanish": "a language this tier does not judge",
    "binary_input": "binary data (NUL or control bytes), not text",
    "invalid_text": "a value that is not text",
    "text_too_long": "over the length limit; never silently truncated",
    "missing_text": "a file row without the text field",
    "malformed_row": "a file row that cannot be read (bad CSV or JSON, shifted fields)",
    "undecodable_text": "bytes that decode neither as UTF-8 nor as Windows-1252",
    "invalid_characters": "lone surrogates replaced by U+FFFD; the review is judged",
}
STAGE_FAILED = "{stage}_failed"  # a stage raised; the other stages' output is kept


def review_problem(code: str, message: str) -> tuple[str, str]:
    """A (code, message) pair for a result's `errors`; the code must be one of REVIEW_ERROR_CODES."""
    if code not in REVIEW_ERROR_CODES:
        raise ValueError(f"unregistered review error code {code!r}; add it to critica.errors.REVIEW_ERROR_CODES")
    return code, message
