"""A running app on each database, and clients logged in as each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from opexflow.settings import Settings, WebSettings
from opexflow.web.app import create_app
from opexflow.workspace.db import Database
from opexflow.workspace.projects import Project, set_member
from opexflow.workspace.users import Role, User, create_user
from tests.workspace.conftest import admin, db, leader, process, project, session  # noqa: F401

PASSWORD = "secret-pass-1"


@pytest.fixture
def app(db: Database, tmp_path: Path) -> FastAPI:  # noqa: F811
    settings = Settings(
        data_dir=tmp_path / "data",
        web=WebSettings(secret_key=SecretStr("test-key-" + "x" * 40), development=True),
    )
    return create_app(settings, db=db)


@pytest.fixture
def people(db: Database, app: FastAPI) -> dict[str, int]:  # noqa: F811
    """One user per role: admin, the project's leader, member, reviewer, viewer, an outsider.

    Returns user ids; the project (id in ``people['project']``) is YH-LC01's.
    """
    from datetime import date

    from opexflow.workspace.processes import create_process
    from opexflow.workspace.projects import create_project

    del app
    with db.session() as s:
        ids: dict[str, int] = {}
        admin_user = create_user(s, username="admin", password=PASSWORD, role=Role.admin)
        lead = create_user(
            s, username="leader", password=PASSWORD, role=Role.leader, display_name="张经理"
        )
        for name, role in (
            ("member", Role.member),
            ("reviewer", Role.reviewer),
            ("viewer", Role.viewer),
            ("outsider", Role.member),
        ):
            ids[name] = create_user(s, username=name, password=PASSWORD, role=role).id
        ids["admin"], ids["leader"] = admin_user.id, lead.id
        proc = create_process(s, actor=admin_user, code="YH-LC01", name="用户注册激活流程")
        proj = create_project(
            s,
            actor=lead,
            name="激活提效",
            process_id=proc.id,
            trigger="low_efficiency",
            started_on=date(2024, 3, 1),
        )
        for name in ("member", "reviewer", "viewer"):
            set_member(
                s,
                actor=lead,
                project_id=proj.id,
                user_id=ids[name],
                role=name if name != "viewer" else "viewer",
            )
        ids["project"], ids["process"] = proj.id, proc.id
    return ids


@pytest.fixture
def login(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """``login('member')`` -> a client with that user's session cookie and CSRF header."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        response = client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client

    yield make
    for client in clients:
        client.close()


__all__ = ["Project", "Session", "User"]
