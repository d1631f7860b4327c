"""The demo's pilot page in a real browser: the evaluation loads, Chinese renders, the
charts draw (distribution, weekly trend with the pilot start, pilot vs control)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr

from opexflow.settings import Settings, WebSettings
from opexflow.web.app import create_app
from opexflow.workspace.db import open_database
from opexflow.workspace.sample import build_sample_workspace

from .conftest import PASSWORD, _free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The demo workspace (small logs) served on loopback; yields the URL and the project."""
    settings = Settings(data_dir=tmp_path / "data", web=WebSettings(secret_key=SecretStr("k" * 48)))
    db = open_database(settings=settings)
    sample = build_sample_workspace(
        db, tmp_path / "data", events=6000, admin_password=PASSWORD, password=PASSWORD
    )
    srv = uvicorn.Server(
        uvicorn.Config(create_app(settings, db=db), host="127.0.0.1", port=_free_port())
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{srv.config.port}", sample.projects["YH-LC01"]
    srv.should_exit = True
    thread.join(timeout=10)
    db.dispose()


def test_the_demo_pilot_page(
    demo_server: tuple[str, int], browser_page: Any, tmp_path: Path
) -> None:
    base, project = demo_server
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "zhang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/projects")
    page.goto(f"{base}/projects/{project}/pilot")
    page.wait_for_selector("#table3", timeout=60_000)
    table = page.inner_text("#table3")
    assert "用户注册激活流程" in table and "团队=A组" in table and "激活时长中位数" in table
    assert "手机号验证码收不到 → 短信通道需优化" in table and "4.5" in table
    # Every chart drew on a canvas: 2 KPIs x (distribution, weekly trend, pilot vs control).
    page.wait_for_function("document.querySelectorAll('.pilot-chart canvas').length === 6")
    has_start = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-chart=weekly]'))"
        ".getOption().series[0].markLine.data[0].xAxis"
    )
    assert has_start == "2024-04-08"
    assert errors == []
    folder = Path(os.environ.get("OPEXFLOW_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "pilot_page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
