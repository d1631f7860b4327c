"""One error tree for opexflow.

Every error a user can cause is an :class:`OpexflowError`. Each class also
inherits the builtin it resembles, carries a stable ``code`` and an HTTP
``status``, and its message says where the problem is, what was found, what
was expected and what to do::

    OpexflowError
    ├── LogFormatError(ValueError)      a log file cannot be read as an event log
    ├── ColumnMappingError(ValueError)  required columns missing or ambiguous
    ├── InputError(ValueError)          a bad argument or option value
    ├── NotFoundError(LookupError)      a file, log or object does not exist
    ├── ResourceError(OSError)          out of disk space or memory while working
    ├── AuthenticationError             not logged in, or a wrong password or token
    ├── PermissionDeniedError(PermissionError)  logged in, but the role does not allow it
    ├── ConflictError                   a stale update, or a name that is already taken
    ├── GateError                       a phase cannot be left yet; ``errors`` lists what is missing
    └── RateLimitError                  too many login attempts; wait and retry
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where in an input a problem was found; every part is optional."""

    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


class OpexflowError(Exception):
    """Base of every error opexflow raises on purpose."""

    code = "error"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        errors: list[dict[str, object]] | None = None,
        message_zh: str | None = None,
    ) -> None:
        self.message = message
        self.message_zh = message_zh
        self.location = location
        self.errors = errors or []
        super().__init__(f"{location}: {message}" if location and str(location) else message)

    def to_dict(self) -> dict[str, object]:
        """The error as the JSON body used by every interface."""
        body: dict[str, object] = {
            "ok": False,
            "error": str(self),
            "code": self.code,
            "status": self.status,
            "errors": self.errors,
        }
        if self.location is not None:
            body["location"] = {
                k: v
                for k, v in (
                    ("file", self.location.file),
                    ("line", self.location.line),
                    ("row", self.location.row),
                    ("column", self.location.column),
                )
                if v is not None
            }
        return body


class LogFormatError(OpexflowError, ValueError):
    """A file cannot be read as an event log (syntax, encoding, values)."""

    code = "log_format"
    status = 422


class ColumnMappingError(OpexflowError, ValueError):
    """The case, activity or timestamp column is missing or ambiguous."""

    code = "column_mapping"
    status = 422


class InputError(OpexflowError, ValueError):
    """An argument or option has a value opexflow cannot use."""

    code = "invalid_input"
    status = 422


class NotFoundError(OpexflowError, LookupError):
    """A file, log or object does not exist."""

    code = "not_found"
    status = 404


class ResourceError(OpexflowError, OSError):
    """The machine ran out of something (disk space, memory) while working."""

    code = "resource"
    status = 507


class AuthenticationError(OpexflowError):
    """Not logged in, or a wrong user name, password or token."""

    code = "unauthenticated"
    status = 401


class PermissionDeniedError(OpexflowError, PermissionError):
    """The user is known, but their role does not allow this."""

    code = "forbidden"
    status = 403


class ConflictError(OpexflowError):
    """Someone changed the object since it was read, or a unique name is taken."""

    code = "conflict"
    status = 409


class GateError(OpexflowError):
    """A phase cannot be left yet: ``errors`` lists each missing item."""

    code = "gate_not_met"
    status = 409


class RateLimitError(OpexflowError):
    """Too many attempts in a short time; wait and try again."""

    code = "rate_limited"
    status = 429
