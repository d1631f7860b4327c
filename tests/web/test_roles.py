"""The role matrix: every API endpoint x every role, allowed or denied as designed.

Allowed means the request got past authorization (2xx, or 409/422 from the
business rules); denied means 403, or 404 for someone outside the project
(projects one may not see stay invisible).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from opexflow.demo.sops import activation_sop
from opexflow.workspace import items
from opexflow.workspace.db import Database
from opexflow.workspace.metrics import Metric
from opexflow.workspace.problems import Problem
from opexflow.workspace.users import create_user

ROLES = ("admin", "leader", "member", "reviewer", "viewer", "outsider")
EVERYONE = set(ROLES)
PROJECT_READERS = EVERYONE - {"outsider"}
PROJECT_EDITORS = {"admin", "leader", "member"}
PROJECT_LEADS = {"admin", "leader"}
WORKSPACE_LEADERS = {"admin", "leader"}

BODIES: dict[str, dict[str, Any]] = {
    "team": {"name": "李四", "role": "business"},
    "survey_plans": {"scope": "全流程", "start_on": "2024-03-01", "end_on": "2024-03-05"},
    "survey_records": {"kind": "interview", "held_on": "2024-03-02", "summary": "访谈记录"},
    "table1": {"step": 1, "activity": "填写资料"},
    "problems": {"category": "efficiency", "title": "审核慢"},
    "fishbone": {"category": "man", "text": "培训不足"},
    "whys": {"whys": ["为什么慢?"], "root_cause": "系统未打通"},
    "measures": {"goal": "提效", "measure": "自动校验"},
    "risks": {"title": "新风险"},
    "pilot_decisions": {"decision": "redesign", "reasons": "未达标"},
    "pilots": {"pilot_name": "A组试点", "pilot_start": "2024-04-08"},
    "pilot_kpis": {"kpi": "throughput_time", "target": 8, "unit": "分钟"},
    "pilot_days": {"day": "2024-04-08", "note": "开始试点"},
    "retros": {"week_of": "2024-04-08", "went_well": "审核更快"},
    "satisfaction": {"score": 4},
    "unmet_issues": {"issue": "验证码收不到", "cause": "短信通道"},
}
UNIQUE = itertools.count(1)
SOP = activation_sop().model_dump(mode="json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "case,activity,timestamp\nc1,A,2024-03-01 09:00\nc1,B,2024-03-01 09:30\nc2,A,2024-03-01 10:00\nc2,B,2024-03-01 11:00\n"


#: SOP version actions by (method, last path part); the version is a fresh draft,
#: so review/verify answer 409 to everyone who may see it (past authorization).
SOP_ROUTES: dict[tuple[str, str], set[str]] = {
    ("POST", "comments"): PROJECT_READERS - {"viewer"},
    ("POST", "review"): PROJECT_READERS,
    ("POST", "sign"): PROJECT_LEADS,
    ("POST", "publish"): PROJECT_LEADS,
    ("POST", "archive"): PROJECT_LEADS,
}


def _workspace_wide(method: str, path: str) -> set[str] | None:
    """Routes outside any project: users, processes, metrics, login."""
    if path.startswith("/api/v1/auth/") or (
        method == "GET"
        and path in ("/api/v1/projects", "/api/v1/processes", "/api/v1/users", "/api/v1/metrics")
    ):
        return EVERYONE
    if path == "/api/v1/users":
        return {"admin"}
    if path in ("/api/v1/projects", "/api/v1/processes") or path.startswith("/api/v1/metrics"):
        return WORKSPACE_LEADERS
    if path == "/api/v1/processes/{process_id}/logs" and method == "POST":
        return {"admin", "leader", "member"}
    if path.startswith(("/api/v1/processes/{process_id}", "/api/v1/logs/")):
        return PROJECT_READERS
    return None


def expected(method: str, path: str) -> set[str]:
    """Who may call ``method path`` (the design, written out)."""
    wide = _workspace_wide(method, path)
    if wide is not None:
        return wide
    kind = path.split("/")[5] if path.startswith("/api/v1/projects/{project_id}/") else None
    if kind in items.KINDS:
        if method == "GET":
            return PROJECT_READERS
        return PROJECT_LEADS if kind == "pilot_decisions" else PROJECT_EDITORS
    if path.startswith("/api/v1/projects/{project_id}/pilot/"):
        # The evaluation, its charts and Table 3: whoever reads the project.
        return PROJECT_READERS if method == "GET" else set()
    if path.startswith(("/api/v1/sop-versions/", "/api/v1/sops/")):
        return SOP_ROUTES.get(
            (method, path.rsplit("/", 1)[-1]),
            PROJECT_READERS if method == "GET" else PROJECT_EDITORS,
        )
    if path.startswith("/api/v1/projects/{project_id}"):
        if method == "GET":
            return PROJECT_READERS
        if path.endswith("/phase") or "/members/" in path:
            return PROJECT_LEADS
        return PROJECT_EDITORS
    raise AssertionError(f"no expectation for {method} {path}: add it to the role matrix")


class Setup:
    """Creates what one request needs (fresh objects, so requests do not interfere)."""

    def __init__(self, db: Database, people: dict[str, int], admin: TestClient) -> None:
        self.db, self.people, self.admin = db, people, admin
        self.log_id: int | None = None

    def problem(self) -> int:
        with self.db.session() as s:
            from opexflow.workspace.users import get_user

            p = items.create(
                s,
                Problem,
                actor=get_user(s, self.people["admin"]),
                project_id=self.people["project"],
                category="quality",
                title="错误多",
            )
            return p.id

    def item(self, kind: str) -> int:
        body = dict(BODIES[kind])
        if kind in ("fishbone", "whys"):
            body["problem_id"] = self.problem()
        response = self.admin.post(f"/api/v1/projects/{self.people['project']}/{kind}", json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def log(self) -> int:
        if self.log_id is None:
            response = self.admin.post(
                f"/api/v1/processes/{self.people['process']}/logs",
                files={"file": ("log.csv", CSV.encode(), "text/csv")},
            )
            assert response.status_code == 201, response.text
            self.log_id = int(response.json()["id"])
        return self.log_id

    def sop(self) -> dict[str, Any]:
        body = {"title": "激活SOP", "content": SOP}
        response = self.admin.post(f"/api/v1/projects/{self.people['project']}/sops", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def metric(self) -> int:
        with self.db.session() as s:
            metric = Metric(name=f"m{next(UNIQUE)}", definition="x")
            s.add(metric)
            s.flush()
            return metric.id

    def throwaway_user(self) -> int:
        with self.db.session() as s:
            return create_user(s, username=f"u{next(UNIQUE)}", password="throwaway-1").id

    def request(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        values: dict[str, Any] = {
            "project_id": self.people["project"],
            "process_id": self.people["process"],
        }
        parts = path.split("/")
        kind = parts[5] if len(parts) > 5 and parts[4] == "{project_id}" else None
        kwargs: dict[str, Any] = {}
        if "{item_id}" in path and kind:
            values["item_id"] = self.item(kind)
        if "{user_id}" in path:
            values["user_id"] = self.throwaway_user()
            if method == "DELETE":
                self.admin.put(
                    f"/api/v1/projects/{self.people['project']}/members/{values['user_id']}",
                    json={"role": "member"},
                )
        if "{version_id}" in path or "{document_id}" in path:
            version = self.sop()
            values["version_id"], values["document_id"] = version["id"], version["document_id"]
            if path.endswith("/diff"):
                kwargs["params"] = {"against": version["id"]}
        if "{log_id}" in path:
            values["log_id"] = self.log()
        if "{metric_id}" in path:
            values["metric_id"] = self.metric()
        if path.endswith("/logs") and method == "POST":
            kwargs["files"] = {"file": ("log.csv", CSV.encode(), "text/csv")}
        elif path.endswith(".xlsx") and method == "POST":
            kwargs["files"] = {"file": ("表1.xlsx", b"not a workbook", XLSX)}
        elif method in ("POST", "PATCH", "PUT"):
            kwargs["json"] = self.body(method, path, kind)
        return path.format(**values), kwargs

    def body(self, method: str, path: str, kind: str | None) -> dict[str, Any]:
        if kind in BODIES and method == "POST" and path.endswith(kind):
            body = dict(BODIES[kind])
            if kind in ("fishbone", "whys"):
                body["problem_id"] = self.problem()
            return body
        if method == "PATCH":
            return {"version": 1}
        special = {
            "/api/v1/auth/tokens": {"name": "script"},
            "/api/v1/auth/logout": {},
            "/api/v1/users": {"username": f"new{next(UNIQUE)}", "password": "new-user-pass"},
            "/api/v1/projects": {
                "name": "新项目",
                "process_id": self.people["process"],
                "trigger": "compliance",
                "started_on": str(date(2024, 5, 1)),
            },
            "/api/v1/processes": {"code": f"DD-LC{next(UNIQUE) + 10}", "name": "订单履约流程"},
            "/api/v1/metrics": {"name": f"指标{next(UNIQUE)}", "definition": "定义"},
            "/api/v1/projects/{project_id}/phase": {"to": "analyze"},
            "/api/v1/projects/{project_id}/sops": {"title": "SOP", "content": SOP},
            "/api/v1/sop-versions/{version_id}/submit": {"reviewer_ids": [self.people["reviewer"]]},
            "/api/v1/sop-versions/{version_id}/comments": {"anchor": "purpose", "text": "意见"},
            "/api/v1/sop-versions/{version_id}/review": {"decision": "approved"},
            "/api/v1/sop-versions/{version_id}/publish": {
                "effective_on": "2024-04-08",
                "summary": "发布",
            },
            "/api/v1/sop-versions/{version_id}/sign": {},
            "/api/v1/sop-versions/{version_id}/archive": {},
            "/api/v1/sop-versions/{version_id}/content": {"version": 1, "content": SOP},
            "/api/v1/sops/{document_id}/versions": {"kind": "minor"},
            "/api/v1/sop-versions/{version_id}/flowchart": {"version": 1, "xml": "<x/>"},
            "/api/v1/projects/{project_id}/members/{user_id}": {"role": "member"},
        }
        return special[path]


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every operation the OpenAPI document lists (login aside)."""
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if path != "/api/v1/auth/login"
    ]


def test_every_endpoint_for_every_role(
    app: FastAPI, db: Database, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    clients = {role: login(role) for role in ROLES}
    setup = Setup(db, people, login("admin"))  # its own session: the matrix logs clients out
    wrong = []
    routes = _routes(app)
    assert len(routes) > 50
    for method, path in routes:
        allowed = expected(method, path)
        for role in ROLES:
            url, kwargs = setup.request(method, path)
            response = clients[role].request(method, url, **kwargs)
            if path == "/api/v1/auth/logout":
                clients[role] = login(role)  # logging out ends that client's session
            ok = response.status_code not in (401, 403, 404)
            if ok != (role in allowed) or response.status_code >= 500:
                wrong.append(
                    f"{method} {path} as {role}: {response.status_code} {response.text[:120]}"
                )
    assert wrong == []


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
def test_the_audit_trail_cannot_be_changed_through_the_api(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient], method: str
) -> None:
    del app
    response = login("admin").request(
        method, f"/api/v1/projects/{people['project']}/audit", json={}
    )
    assert response.status_code == 405
