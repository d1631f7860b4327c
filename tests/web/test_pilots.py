"""The pilot page, its evaluation fragment, Table 3 download and the decision form."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from opexflow.demo import planted
from opexflow.kpi import Kpi
from opexflow.logs import EventLog
from opexflow.workspace import changes, items
from opexflow.workspace.db import Database
from opexflow.workspace.metrics import Metric
from opexflow.workspace.phases import Phase
from opexflow.workspace.pilots import Pilot, PilotDecision, PilotKpi, SatisfactionAnswer, UnmetIssue
from opexflow.workspace.processes import Process, attach_log
from opexflow.workspace.projects import Project
from opexflow.workspace.users import get_user
from tests.fixtures.demo_logs import demo_log  # noqa: F401

HX = {"HX-Request": "true"}


@pytest.fixture
def piloted(
    db: Database,
    people: dict[str, int],
    demo_log: Callable[[str], EventLog],  # noqa: F811
) -> int:
    """The people's project in phase 4 with team A's pilot on the demo logs."""
    with db.session() as s:
        leader = get_user(s, people["leader"])
        process = s.get(Process, people["process"])
        assert process is not None
        metric = Metric(
            name="激活时长",
            name_en="activation time",
            definition="提交到激活完成",
            formula=Kpi(name="激活时长", kind="throughput_time").model_dump(mode="json"),
            unit="分钟",
        )
        changes.add(s, metric, actor=leader)
        logs = [
            attach_log(s, actor=leader, process=process, log=demo_log(name), source_name=name)
            for name in ("activation", "activation_after")
        ]
        pid = people["project"]
        items.create(
            s,
            Pilot,
            actor=leader,
            project_id=pid,
            pilot_name="A组试点",
            scope_attribute="团队",
            scope_value=planted.PILOT_TEAM,
            before_log_id=logs[0].id,
            after_log_id=logs[1].id,
            pilot_start=planted.PILOT_START,
        )
        items.create(s, PilotKpi, actor=leader, project_id=pid, kpi="激活时长", target=8.0)
        for score in (5, 4):
            items.create(s, SatisfactionAnswer, actor=leader, project_id=pid, score=score)
        items.create(
            s, UnmetIssue, actor=leader, project_id=pid, issue="验证码收不到", cause="短信通道"
        )
        project = s.get(Project, pid)
        assert project is not None
        changes.update(s, project, actor=leader, phase=Phase.pilot)
    return pid


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ("试点设置", "试点指标", "每日跟踪", "每周复盘", "满意度调查", "未解决问题及原因")),
        ("en", ("Pilot setup", "Pilot KPIs", "Daily tracking", "Weekly retros", "Unmet issues")),
    ],
)
def test_the_pilot_page_has_every_section(
    app: FastAPI,
    people: dict[str, int],
    login: Callable[[str], TestClient],
    lang: str,
    words: tuple[str, ...],
) -> None:
    del app
    client = login("leader")
    client.cookies.set("opexflow_lang", lang)
    page = client.get(f"/projects/{people['project']}/pilot")
    assert page.status_code == 200
    for word in words:
        assert word in page.text
    assert 'hx-get="/projects/{}/pilot/results"'.format(people["project"]) in page.text
    assert "/pilot/decide" in page.text  # the leader decides
    assert "echarts-5.6.0.min.js" in page.text and "/static/pilots.js" in page.text
    # Without a pilot the evaluation says what is missing instead of failing.
    results = client.get(f"/projects/{people['project']}/pilot/results", headers=HX)
    assert results.status_code == 200 and "no pilot yet" in results.text


def test_a_member_sees_no_decision_form(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    page = login("member").get(f"/projects/{people['project']}/pilot")
    assert page.status_code == 200 and "/pilot/decide" not in page.text
    denied = login("member").post(
        f"/projects/{people['project']}/pilot/decide",
        data={"decision": "adopt", "reasons": "达标"},
        headers=HX,
    )
    assert denied.status_code == 403
    assert login("outsider").get(f"/projects/{people['project']}/pilot").status_code == 404


def test_the_evaluation_fragment_and_table3(
    app: FastAPI, piloted: int, login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("viewer")
    results = client.get(f"/projects/{piloted}/pilot/results", headers=HX)
    assert results.status_code == 200
    text = results.text
    assert "表3 试点效果评估表" in text and "团队=A组" in text
    assert "激活时长中位数从" in text and "显著" in text and "Mann-Whitney U 检验" in text
    assert "双重差分" in text and "pilot-charts-data" in text
    assert "平均满意度 4.5" in text and "验证码收不到 → 短信通道" in text
    evaluation = client.get(f"/api/v1/projects/{piloted}/pilot/evaluation").json()
    row = evaluation["kpis"][0]
    assert row["kpi"] == "激活时长" and row["test"] == "mann_whitney_u"
    assert row["difference_pct"] == pytest.approx(-73, abs=6)
    assert evaluation["table3"][0]["satisfaction"] == 4.5
    charts = client.get(f"/api/v1/projects/{piloted}/pilot/charts").json()
    assert charts[0]["start_week"] == str(planted.PILOT_START) and charts[0]["unit"] == "分钟"
    download = client.get(f"/api/v1/projects/{piloted}/pilot/table3.xlsx", params={"lang": "en"})
    assert download.status_code == 200
    assert "table3_pilot_evaluation" in download.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(download.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("process", "pilot scope", "KPI")
    assert rows[1][2] == "median activation time" and str(rows[1][5]).startswith("−7")


@pytest.mark.parametrize(("decision", "phase"), [("adopt", "rollout"), ("redesign", "design")])
def test_the_decision_moves_the_project(
    app: FastAPI,
    db: Database,
    piloted: int,
    login: Callable[[str], TestClient],
    decision: str,
    phase: str,
) -> None:
    del app
    client = login("leader")
    response = client.post(
        f"/projects/{piloted}/pilot/decide",
        data={"decision": decision, "reasons": "激活时长下降73%", "move": "true"},
        headers=HX,
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/projects/{piloted}"
    with db.session() as s:
        project = s.get(Project, piloted)
        assert project is not None and project.phase.value == phase
        decisions = s.query(PilotDecision).filter_by(project_id=piloted).all()
        assert [d.decision.value for d in decisions] == [decision]


def test_a_refused_move_keeps_no_decision(
    app: FastAPI, db: Database, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    """The project is in phase 1: adopt cannot jump to rollout, so nothing is recorded."""
    del app
    response = login("leader").post(
        f"/projects/{people['project']}/pilot/decide",
        data={"decision": "adopt", "reasons": "达标", "move": "true"},
        headers=HX,
    )
    assert response.status_code == 422 and "one at a time" in response.text
    with db.session() as s:
        assert s.query(PilotDecision).count() == 0
    recorded = login("leader").post(
        f"/projects/{people['project']}/pilot/decide",
        data={"decision": "redesign", "reasons": "未达标"},
        headers=HX,
    )
    assert recorded.status_code == 204
    assert recorded.headers["HX-Redirect"] == f"/projects/{people['project']}/pilot"


def test_the_setup_section_keeps_its_log_pickers(
    app: FastAPI, db: Database, piloted: int, login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("member")
    with db.session() as s:
        pilot = s.query(Pilot).filter_by(project_id=piloted).one()
        before_log_id = pilot.before_log_id
    added = client.post(
        f"/projects/{piloted}/records/pilots",
        data={
            "pilot_name": "V1.1试点",
            "pilot_start": "2024-04-15",
            "before_log_id": before_log_id,
        },
        headers=HX,
    )
    assert added.status_code == 200 and added.headers["HX-Trigger"] == "records-changed"
    assert '<select name="before_log_id"' in added.text and "V1.1试点" in added.text
    assert "activation (" in added.text  # the log's name, not its id
    with db.session() as s:
        new = s.query(Pilot).filter_by(pilot_name="V1.1试点").one()
        assert new.before_log_id == before_log_id and new.after_log_id is None
    edit = client.get(f"/projects/{piloted}/records/pilots/{new.id}/edit", headers=HX)
    assert '<select name="after_log_id"' in edit.text
    changed = client.post(
        f"/projects/{piloted}/records/pilots/{new.id}",
        data={
            "version": new.version,
            "pilot_name": "V1.1试点",
            "pilot_start": "2024-04-22",
            "control": "rest",
            "status": "planned",
        },
        headers=HX,
    )
    assert changed.status_code == 200, changed.text
    assert "2024-04-22" in changed.text
    gone = client.post(f"/projects/{piloted}/records/pilots/{new.id}/delete", headers=HX)
    assert gone.status_code == 200 and "V1.1试点" not in gone.text
