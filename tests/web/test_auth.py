from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from opexflow.errors import InputError
from opexflow.settings import Settings, WebSettings
from opexflow.web.app import create_app
from opexflow.workspace.db import Database
from opexflow.workspace.users import get_user, set_password

from .conftest import PASSWORD


def test_nothing_but_login_and_static_files_without_logging_in(
    app: FastAPI, people: dict[str, int]
) -> None:
    client = TestClient(app)
    for path, operations in app.openapi()["paths"].items():
        if path == "/api/v1/auth/login":
            continue
        ids = dict.fromkeys(
            (
                "process_id",
                "item_id",
                "user_id",
                "log_id",
                "metric_id",
                "version_id",
                "document_id",
            ),
            1,
        )
        url = path.format(project_id=people["project"], **ids)
        for method in operations:
            response = client.request(method.upper(), url)
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json()["code"] == "unauthenticated"
    page = client.get(f"/projects/{people['project']}", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (
        303,
        f"/login?next=/projects/{people['project']}",
    )
    assert client.get("/login").status_code == 200
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


def test_a_cookie_session_needs_the_csrf_token_to_change_anything(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    client = login("leader")
    body = {"name": "王五", "role": "it"}
    url = f"/api/v1/projects/{people['project']}/team"
    token = client.headers.pop("X-CSRF-Token")
    refused = client.post(url, json=body)
    assert refused.status_code == 403 and "security token" in refused.json()["error"]
    assert client.post(url, json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.post(url, json=body, headers={"X-CSRF-Token": token}).status_code == 201
    assert client.get(url).status_code == 200  # reading needs no token
    del app


def test_api_tokens_work_without_cookie_or_csrf(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    created = login("member").post("/api/v1/auth/tokens", json={"name": "etl"})
    assert created.status_code == 201
    plain = created.json()["token"]
    script = TestClient(app, headers={"Authorization": f"Bearer {plain}"})
    assert script.get("/api/v1/auth/me").json()["username"] == "member"
    added = script.post(
        f"/api/v1/projects/{people['project']}/problems", json={"category": "risk", "title": "越权"}
    )
    assert added.status_code == 201
    bad = TestClient(app, headers={"Authorization": "Bearer oxf_nope"}).get("/api/v1/auth/me")
    assert bad.status_code == 401 and "unknown, revoked or expired" in bad.json()["error"]


def test_login_attempts_are_rate_limited(app: FastAPI, people: dict[str, int]) -> None:
    del people
    client = TestClient(app)
    for _ in range(5):
        assert (
            client.post(
                "/api/v1/auth/login", json={"username": "member", "password": "wrong-pass"}
            ).status_code
            == 401
        )
    blocked = client.post("/api/v1/auth/login", json={"username": "member", "password": PASSWORD})
    assert blocked.status_code == 429 and "wait" in blocked.json()["error"]
    other = client.post("/api/v1/auth/login", json={"username": "leader", "password": PASSWORD})
    assert other.status_code == 429  # the same address is limited too


def test_a_password_change_ends_existing_sessions(
    app: FastAPI, db: Database, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    client = login("member")
    assert client.get("/api/v1/auth/me").status_code == 200
    with db.session() as s:
        set_password(s, user=get_user(s, people["member"]), password="another-pass-2")
    ended = client.get("/api/v1/auth/me")
    assert ended.status_code == 401 and "session has ended" in ended.json()["error"]
    del app


def test_outside_development_a_secret_key_is_required(tmp_path: Path, db: Database) -> None:
    settings = Settings(data_dir=tmp_path, web=WebSettings(development=False))
    with pytest.raises(InputError, match="OPEXFLOW_WEB_SECRET_KEY"):
        create_app(settings, db=db)


def test_in_development_a_generated_key_survives_a_restart(tmp_path: Path, db: Database) -> None:
    settings = Settings(data_dir=tmp_path, web=WebSettings(development=True))
    first = create_app(settings, db=db).state.sessions.issue(1, "hash")
    assert create_app(settings, db=db).state.sessions.read(first) is not None
    assert oct((tmp_path / ".secret_key").stat().st_mode & 0o777) == "0o600"


def test_login_page_logs_in_and_out(app: FastAPI, people: dict[str, int]) -> None:
    del people
    client = TestClient(app)
    wrong = client.post(
        "/login", data={"username": "leader", "password": "nope-nope", "next": "/projects"}
    )
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    done = client.post(
        "/login",
        data={"username": "leader", "password": PASSWORD, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert (done.status_code, done.headers["location"]) == (303, "/")
    assert "激活提效" in client.get("/projects").text
