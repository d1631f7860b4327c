"""Property-based requests from the OpenAPI document: no input makes the API fail with 5xx.

The app runs on its own SQLite workspace (schemathesis loads the schema at
import time); requests carry an admin's API token so that they reach the
handlers rather than stopping at authentication.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import SecretStr

from opexflow.settings import Settings, WebSettings
from opexflow.web.app import create_app
from opexflow.workspace.processes import create_process
from opexflow.workspace.projects import create_project
from opexflow.workspace.users import Role, create_token, create_user

_folder = Path(tempfile.mkdtemp(prefix="opexflow-schemathesis-"))
_app = create_app(Settings(data_dir=_folder, web=WebSettings(secret_key=SecretStr("s" * 48))))
with _app.state.db.session() as _s:
    _admin = create_user(_s, username="admin", password="schema-pass-1", role=Role.admin)
    _process = create_process(_s, actor=_admin, code="YH-LC01", name="用户注册激活流程")
    create_project(
        _s,
        actor=_admin,
        name="激活提效",
        process_id=_process.id,
        trigger="low_efficiency",
        started_on=date(2024, 3, 1),
    )
    _token = create_token(_s, user=_admin, name="schemathesis")[1]

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )
