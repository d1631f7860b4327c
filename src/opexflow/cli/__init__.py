"""The ``opexflow`` command line. Heavy libraries are imported inside commands.

Each module of this package registers its commands on :data:`app`; add a
module's import below to make its commands appear.
"""

from __future__ import annotations

from opexflow.cli import compare as _compare
from opexflow.cli import conformance as _conformance
from opexflow.cli import logs as _logs
from opexflow.cli import models as _models
from opexflow.cli import pilot as _pilot
from opexflow.cli import sop as _sop
from opexflow.cli import sop_workspace as _sop_workspace
from opexflow.cli import web as _web
from opexflow.cli import workspace as _workspace
from opexflow.cli._app import app

__all__ = ["app", "main"]

_COMMAND_MODULES = (
    _logs,
    _conformance,
    _compare,
    _models,
    _workspace,
    _pilot,
    _sop,
    _sop_workspace,
    _web,
)


def main() -> None:
    """Entry point of the ``opexflow`` script."""
    app()
