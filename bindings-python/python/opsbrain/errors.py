"""Exceptions raised by opsbrain.

Every exception derives from :class:`OpsbrainError` and carries ``code``, the
stable string of the Rust core's ``ErrorKind::code()``. Every input error is
also a ``ValueError``; wrong types are also ``TypeError`` and missing keys also
``KeyError``, so ordinary ``except`` handlers keep working.
"""

from __future__ import annotations

__all__ = [
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


class NotFittedError(OpsbrainError, ValueError):
    """A model was used before it was fitted."""

    code = "not_fitted"


class UnsupportedVersionError(OpsbrainError, ValueError):
    """A serialised model has a format version this build does not know."""

    code = "unsupported_version"


class LimitExceededError(OpsbrainError, ValueError):
    """A request exceeds a documented bound."""

    code = "limit_exceeded"
