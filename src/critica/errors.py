"""The one base of every error critica raises on purpose, and every error code it writes.

Catch `CriticaError` to handle them all; each subclass also keeps the built-in
base callers knew before (ValueError, RuntimeError), and every message says
what to do next. Problems with one review are never raised: they become
`errors` entries of its result, whose `code` is an `ErrorCode`; the service's
error bodies carry a `ServiceErrorCode`.
"""

from __future__ import annotations

from enum import StrEnum


class CriticaError(Exception):
    """An input, model, store or service problem that critica can explain."""


class ConfigError(CriticaError, ValueError):
    """A configuration value critica cannot use; the message names the value and the choices."""


class ErrorCode(StrEnum):
    """Every code a result's `errors` entry can carry (the README lists the same).

    A stage that raises adds `<stage>_failed` (see `stage_failed`); the other stages' output is kept.
    """

    EMPTY_TEXT = "empty_text"
    NO_WORDS = "no_words"
    NOT_SPANISH = "not_spanish"
    BINARY_INPUT = "binary_input"
    INVALID_TEXT = "invalid_text"
    TEXT_TOO_LONG = "text_too_long"
    MISSING_TEXT = "missing_text"
    MALFORMED_ROW = "malformed_row"
    UNDECODABLE_TEXT = "undecodable_text"
    INVALID_CHARACTERS = "invalid_characters"


# What each code means, for the README and `critica doctor`-style listings.
REVIEW_ERROR_CODES: dict[str, str] = {
    ErrorCode.EMPTY_TEXT: "no text, or only whitespace",
    ErrorCode.NO_WORDS: "no words once markup and symbols are removed",
    ErrorCode.NOT_SPANISH: "a language this tier does not judge",
    ErrorCode.BINARY_INPUT: "binary data (NUL or control bytes), not text",
    ErrorCode.INVALID_TEXT: "a value that is not text",
    ErrorCode.TEXT_TOO_LONG: "over the length limit; never silently truncated",
    ErrorCode.MISSING_TEXT: "a file row without the text field",
    ErrorCode.MALFORMED_ROW: "a file row that cannot be read (bad CSV or JSON, shifted fields)",
    ErrorCode.UNDECODABLE_TEXT: "bytes that decode neither as UTF-8 nor as Windows-1252",
    ErrorCode.INVALID_CHARACTERS: "lone surrogates replaced by U+FFFD; the review is judged",
}
STAGE_FAILED = "{stage}_failed"  # a stage raised; the other stages' output is kept


def stage_failed(stage: str) -> str:
    """The code of a result whose stage `stage` raised."""
    return STAGE_FAILED.format(stage=stage)


def review_problem(code: str, message: str) -> tuple[str, str]:
    """A (code, message) pair for a result's `errors`; the code must be an `ErrorCode`."""
    try:
        return ErrorCode(code).value, message
    except ValueError:
        raise ValueError(f"unregistered review error code {code!r}; add it to critica.errors.ErrorCode") from None


class ServiceErrorCode(StrEnum):
    """Every `error.code` of the HTTP service's error bodies."""

    BODY_TOO_LARGE = "body_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    INVALID_REQUEST = "invalid_request"
    TEXT_TOO_LONG = "text_too_long"
    BATCH_TOO_LARGE = "batch_too_large"
    BUSY = "busy"
    NO_STORE = "no_store"
    STORE_UNAVAILABLE = "store_unavailable"
    UNKNOWN_FILM = "unknown_film"
    HTTP_ERROR = "http_error"
    INTERNAL_ERROR = "internal_error"
