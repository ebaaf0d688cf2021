"""Exceptions raised by opsbrain.

Every exception derives from :class:`OpsbrainError` and carries ``code``, the
stable string of the Rust core's ``ErrorKind::code()``. Every input error is
also a ``ValueError``; wrong types are also ``TypeError`` and missing keys also
``KeyError``, so ordinary ``except`` handlers keep working.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = [
    "BY_CODE",
    "error_codes",
    "OpsbrainError",
    "InvalidInputError",
    "InvalidTypeError",
    "MissingKeyError",
    "InvalidConfigError",
    "ParseError",
    "DimensionMismatchError",
    "NotFittedError",
    "UnsupportedVersionError",
    "LimitExceededError",
]


class OpsbrainError(Exception):
    """Base class of every opsbrain error; ``code`` is the stable error code."""

    code: str = "opsbrain_error"


class InvalidInputError(OpsbrainError, ValueError):
    """An argument has a bad value."""

    code = "invalid_input"


class InvalidTypeError(OpsbrainError, TypeError, ValueError):
    """An argument has the wrong type."""

    code = "invalid_type"


class MissingKeyError(OpsbrainError, KeyError, ValueError):
    """A required key is missing."""

    code = "missing_key"

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class InvalidConfigError(OpsbrainError, ValueError):
    """A table, rule set, policy or calendar fails validation."""

    code = "invalid_config"


class ParseError(OpsbrainError, ValueError):
    """Malformed JSON or TOML."""

    code = "parse_error"


class DimensionMismatchError(OpsbrainError, ValueError):
    """Array shapes do not agree."""

    code = "dimension_mismatch"


class NotFittedError(OpsbrainError, ValueError, AttributeError):
    """A model was used before it was fitted.

    When scikit-learn is loaded, the error raised is also an instance of
    ``sklearn.exceptions.NotFittedError`` (so ``except`` clauses and
    scikit-learn's own checks written for it catch it); opsbrain never
    imports scikit-learn itself.
    """

    code = "not_fitted"

    def __new__(cls, *args: Any, **kwargs: Any) -> NotFittedError:
        if cls is NotFittedError:
            cls = _with_sklearn()
        return super().__new__(cls, *args, **kwargs)

    def __reduce__(self) -> tuple[Any, ...]:
        return (NotFittedError, self.args)


_SKLEARN_NOT_FITTED: dict[type, type] = {}


def _with_sklearn() -> type[NotFittedError]:
    """``NotFittedError``, joined with scikit-learn's when it is loaded."""
    sk = getattr(sys.modules.get("sklearn.exceptions"), "NotFittedError", None)
    if not isinstance(sk, type):
        return NotFittedError
    if sk not in _SKLEARN_NOT_FITTED:
        _SKLEARN_NOT_FITTED[sk] = type(
            "NotFittedError",
            (NotFittedError, sk),
            {"__module__": __name__, "__doc__": NotFittedError.__doc__},
        )
    return _SKLEARN_NOT_FITTED[sk]


class UnsupportedVersionError(OpsbrainError, ValueError):
    """A serialised model has a format version this build does not know."""

    code = "unsupported_version"


class LimitExceededError(OpsbrainError, ValueError):
    """A request exceeds a documented bound."""

    code = "limit_exceeded"


BY_CODE: dict[str, type[OpsbrainError]] = {
    c.code: c
    for c in (
        InvalidInputError,
        InvalidTypeError,
        MissingKeyError,
        InvalidConfigError,
        ParseError,
        DimensionMismatchError,
        NotFittedError,
        UnsupportedVersionError,
        LimitExceededError,
    )
}
"""The exception class raised for each error code (any other code raises
:class:`OpsbrainError`)."""


def error_codes() -> list[tuple[str, str]]:
    """Every error code of the core, with the name of the exception class
    raised for it."""
    from opsbrain._native import error_kinds

    return [(code, BY_CODE.get(code, OpsbrainError).__name__) for code in error_kinds()]
