"""A real server on loopback and Debian's Chromium driven by Playwright.

Without chromium the tests skip locally and fail in CI (CI=true).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from pydantic import SecretStr

from opexflow.settings import Settings, WebSettings
from opexflow.web.app import create_app
from opexflow.workspace.db import open_database
from opexflow.workspace.processes import create_process
from opexflow.workspace.users import Role, create_user
from tests.conftest import IN_CI

PASSWORD = "browser-pass-1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if IN_CI:
        pytest.fail("CI=true but chromium is not installed: apt-get install -y chromium")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app on a fresh SQLite workspace with a leader and the process YH-LC01."""
    settings = Settings(data_dir=tmp_path / "data", web=WebSettings(secret_key=SecretStr("k" * 48)))
    db = open_database(settings=settings)
    app = create_app(settings, db=db)
    with db.session() as s:
        admin = create_user(s, username="admin", password=PASSWORD, role=Role.admin)
        create_user(s, username="zhang", password=PASSWORD, role=Role.leader, display_name="张经理")
        create_process(
            s, actor=admin, code="YH-LC01", name="用户注册激活流程", department_name="运营部"
        )
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture
def browser_page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        yield page
        browser.close()
