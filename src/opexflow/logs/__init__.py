"""Event logs in: read CSV, XLSX, XES and Parquet into the canonical dataset.

See :mod:`opexflow.logs.schema` for the dataset layout and
:func:`opexflow.logs.canonical.import_log` for the import itself.
"""

from opexflow.logs.canonical import import_log
from opexflow.logs.read import read_log
from opexflow.logs.schema import Attribute, EventLog, LogMeta

__all__ = ["Attribute", "EventLog", "LogMeta", "import_log", "read_log"]
