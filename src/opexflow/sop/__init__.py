"""Standard operating procedures (SOP, 标准化流程文档): model, checks, versions, exports.

Pure functions on typed data (no database, no web); persistence, review and
sign-off live in the workspace.

- :class:`Sop` and its sections (:mod:`opexflow.sop.model`), :func:`load_sop` from JSON;
- :func:`check_sop`: what blocks review (RACI one A and at least one R per step,
  control points name steps, target KPI in the metric dictionary, no empty section);
- :func:`draft_from_diagnosis`: a first SOP from Table 1 and the Table 2 measures;
- :func:`canonical_json`, :func:`content_hash`, :func:`verify`, :func:`bump`,
  :func:`change_record` (a Table 4 row; :func:`table4_xlsx` the table), :func:`diff` of two versions;
- :func:`export_sop`: DOCX, Markdown, HTML, BPMN (``to_docx``, ``to_markdown``, ``to_html``).

Example:
    >>> from opexflow.sop import Sop, Step, check_sop
    >>> sop = Sop(process_id="YH-LC01", name="用户注册激活流程",
    ...           steps=[Step(number=1, name="人工审核")])
    >>> check_sop(sop)[0].section
    'purpose'
"""

from opexflow.sop.checks import Issue, check_sop
from opexflow.sop.diff import SopDiff, diff
from opexflow.sop.docx import to_docx, write_docx
from opexflow.sop.draft import Measure, draft_from_diagnosis
from opexflow.sop.export import FORMATS, export_sop
from opexflow.sop.markup import to_html, to_markdown
from opexflow.sop.model import (
    ChangeRecord,
    ContingencyPlan,
    Flowchart,
    FormTool,
    RaciAssignment,
    Scope,
    Sop,
    Step,
    Target,
    load_sop,
    sequence_flowchart,
)
from opexflow.sop.versioning import (
    bump,
    canonical_json,
    change_record,
    content_hash,
    parse_version,
    read_signature,
    verify,
)
from opexflow.sop.xlsx import table4_xlsx

__all__ = [
    "FORMATS",
    "ChangeRecord",
    "ContingencyPlan",
    "Flowchart",
    "FormTool",
    "Issue",
    "Measure",
    "RaciAssignment",
    "Scope",
    "Sop",
    "SopDiff",
    "Step",
    "Target",
    "bump",
    "canonical_json",
    "change_record",
    "check_sop",
    "content_hash",
    "diff",
    "draft_from_diagnosis",
    "export_sop",
    "load_sop",
    "parse_version",
    "read_signature",
    "sequence_flowchart",
    "table4_xlsx",
    "to_docx",
    "to_html",
    "to_markdown",
    "verify",
    "write_docx",
]
