"""The one base of every error critica raises on purpose.

Catch `CriticaError` to handle them all; each subclass also keeps the built-in
base callers knew before (ValueError, RuntimeError), and every message says
what to do next. Problems with one review are never raised: they become
`errors` entries of its result.
"""

from __future__ import annotations


class CriticaError(Exception):
    """An input, model, store or service problem that critica can explain."""
