"""Every workspace table, imported so that ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

from opexflow.workspace.access import Membership
from opexflow.workspace.audit import AuditEntry
from opexflow.workspace.base import Base
from opexflow.workspace.forms import CurrentStateRow, Measure
from opexflow.workspace.metrics import Metric
from opexflow.workspace.phases import PhaseMove, PhaseWindow
from opexflow.workspace.pilots import PilotDecision
from opexflow.workspace.problems import FishboneCause, Problem, WhyChain
from opexflow.workspace.processes import EventLogRecord, Process
from opexflow.workspace.projects import Project
from opexflow.workspace.risks import Risk
from opexflow.workspace.sops import (
    ChangeRecord,
    SopComment,
    SopDocument,
    SopReview,
    SopSignature,
    SopVersion,
)
from opexflow.workspace.teams import SurveyPlan, SurveyRecord, TeamMember
from opexflow.workspace.users import ApiToken, Department, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "ChangeRecord",
    "CurrentStateRow",
    "Department",
    "EventLogRecord",
    "FishboneCause",
    "Measure",
    "Membership",
    "Metric",
    "PhaseMove",
    "PhaseWindow",
    "PilotDecision",
    "Problem",
    "Process",
    "Project",
    "Risk",
    "SopComment",
    "SopDocument",
    "SopReview",
    "SopSignature",
    "SopVersion",
    "SurveyPlan",
    "SurveyRecord",
    "TeamMember",
    "User",
    "WhyChain",
]
