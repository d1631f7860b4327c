from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from opexflow.demo import write_demo_logs
from opexflow.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from opexflow.workspace import items
from opexflow.workspace.diagnosis import (
    attach_and_diagnose,
    diagnosed_logs,
    fill_table1,
    problem_from_finding,
)
from opexflow.workspace.forms import CurrentStateRow
from opexflow.workspace.gates import check_gate
from opexflow.workspace.problems import Problem, ProblemCategory
from opexflow.workspace.processes import EventLogRecord, Process, create_process
from opexflow.workspace.projects import Project
from opexflow.workspace.users import User, create_user


@pytest.fixture(scope="module")
def demo_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_demo_logs(tmp_path_factory.mktemp("demo"), events=3000)


@pytest.fixture
def record(
    session: Session, leader: User, process: Process, demo_logs: dict[str, Path], tmp_path: Path
) -> EventLogRecord:
    return attach_and_diagnose(
        session,
        actor=leader,
        process=process,
        path=demo_logs["activation_before"],
        sla=1.0,
        data_dir=tmp_path,
    )


def test_attach_and_diagnose_records_the_log_and_its_findings(
    session: Session, record: EventLogRecord, process: Process, tmp_path: Path
) -> None:
    assert record.process_id == process.id
    assert record.source_name == "activation_before.csv"
    assert Path(record.dataset).parent == tmp_path / "logs"
    assert record.cases > 500 and record.events > 2900 and record.activities == 9
    assert record.diagnosed_at is not None and record.first_event is not None
    assert record.diagnosis is not None
    first = record.diagnosis["findings"][0]
    assert (first["kind"], first["activity"]) == ("bottleneck", "人工审核")
    assert diagnosed_logs(session, process.id) == [record]


def test_unknown_log_options_and_viewers_are_refused(
    session: Session, process: Process, demo_logs: dict[str, Path], tmp_path: Path, leader: User
) -> None:
    with pytest.raises(InputError, match="unknown log option colour"):
        attach_and_diagnose(
            session,
            actor=leader,
            process=process,
            path=demo_logs["fulfilment"],
            data_dir=tmp_path,
            colour="red",
        )
    viewer = create_user(session, username="v", password="viewer-pass", role="viewer")
    with pytest.raises(PermissionDeniedError):
        attach_and_diagnose(
            session, actor=viewer, process=process, path=demo_logs["fulfilment"], data_dir=tmp_path
        )


def test_fill_table1_from_the_diagnosis(
    session: Session, project: Project, leader: User, record: EventLogRecord
) -> None:
    assert "table1" in [i.key for i in check_gate(session, project).missing]
    rows = fill_table1(session, actor=leader, project_id=project.id, log_record=record)
    assert [r.activity for r in rows][:3] == ["用户填写信息", "人工审核", "系统激活"]
    review = rows[1]
    assert review.source == "diagnosis" and review.department == "运营部"
    assert review.problem_types == ["efficiency", "quality"]
    assert review.minutes_per_step is not None and review.minutes_per_step > 5
    assert "瓶颈" in review.description
    assert "table1" not in [i.key for i in check_gate(session, project).missing]
    again = fill_table1(
        session, actor=leader, project_id=project.id, log_record=record, replace=True
    )
    stored = items.list_(session, CurrentStateRow, actor=leader, project_id=project.id)
    assert len(stored) == len(again) == len(rows)


def test_problem_from_finding_follows_the_finding_kind(
    session: Session, project: Project, leader: User, record: EventLogRecord
) -> None:
    assert record.diagnosis is not None
    findings = record.diagnosis["findings"]
    kinds = [f["kind"] for f in findings]
    expected = {
        "bottleneck": ProblemCategory.efficiency,
        "long_wait": ProblemCategory.efficiency,
        "rework": ProblemCategory.quality,
        "handover": ProblemCategory.collaboration,
        "sla_breach": ProblemCategory.risk,
    }
    for kind, category in expected.items():
        i = kinds.index(kind)
        problem = problem_from_finding(
            session, actor=leader, project_id=project.id, log_record=record, finding_index=i
        )
        assert problem.category is category, kind
        assert problem.evidence[0]["log_id"] == record.id
        assert problem.evidence[0]["finding_index"] == i
        assert problem.evidence[0]["kind"] == kind
        assert findings[i]["message_zh"] in problem.description
    bottleneck = items.list_(session, Problem, actor=leader, project_id=project.id)[0]
    assert (bottleneck.title, bottleneck.activity) == ("瓶颈:人工审核", "人工审核")
    with pytest.raises(ConflictError, match="already problem"):
        problem_from_finding(
            session, actor=leader, project_id=project.id, log_record=record, finding_index=0
        )
    with pytest.raises(NotFoundError, match="there is no finding 99"):
        problem_from_finding(
            session, actor=leader, project_id=project.id, log_record=record, finding_index=99
        )


def test_a_log_of_another_process_or_undiagnosed_is_refused(
    session: Session,
    project: Project,
    leader: User,
    admin: User,
    record: EventLogRecord,
    demo_logs: dict[str, Path],
    tmp_path: Path,
) -> None:
    other = create_process(session, actor=admin, code="DD-LC01", name="订单履约流程")
    foreign = attach_and_diagnose(
        session, actor=leader, process=other, path=demo_logs["fulfilment"], data_dir=tmp_path
    )
    kinds = [f["kind"] for f in foreign.diagnosis["findings"]] if foreign.diagnosis else []
    assert "variant_sprawl" in kinds
    with pytest.raises(InputError, match="another process"):
        fill_table1(session, actor=leader, project_id=project.id, log_record=foreign)
    record.diagnosis = None
    with pytest.raises(InputError, match="not been diagnosed"):
        problem_from_finding(
            session, actor=leader, project_id=project.id, log_record=record, finding_index=0
        )


def test_variant_sprawl_is_a_quality_problem(
    session: Session, leader: User, admin: User, demo_logs: dict[str, Path], tmp_path: Path
) -> None:
    from datetime import date

    from opexflow.workspace.projects import create_project

    orders = create_process(session, actor=admin, code="DD-LC01", name="订单履约流程")
    rec = attach_and_diagnose(
        session, actor=leader, process=orders, path=demo_logs["fulfilment"], data_dir=tmp_path
    )
    assert rec.diagnosis is not None
    index = [f["kind"] for f in rec.diagnosis["findings"]].index("variant_sprawl")
    project = create_project(
        session,
        actor=leader,
        name="履约",
        process_id=orders.id,
        trigger="inconsistent_execution",
        started_on=date(2024, 3, 1),
    )
    problem = problem_from_finding(
        session, actor=leader, project_id=project.id, log_record=rec, finding_index=index
    )
    assert problem.category is ProblemCategory.quality
    assert problem.title.startswith("执行不一致")
