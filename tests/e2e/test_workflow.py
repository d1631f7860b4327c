"""A team lead's first session, in a real browser: log in, open a project, fail and
then pass the first gate, upload a log, see the process map, switch language.

Screenshots go to ``$OPEXFLOW_SCREENSHOTS`` (default: the test's tmp dir).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

CSV = "工单号,环节,完成时间,处理人,部门\n" + "".join(
    f"A{i:03d},{act},2024-03-{1 + i % 20:02d} {9 + k}:{(i * 7) % 60:02d},{who},{dep}\n"
    for i in range(60)
    for k, (act, who, dep) in enumerate(
        (
            ("填写资料", "用户", "客服部"),
            ("人工审核", "李娜", "运营部"),
            ("系统激活", "系统", "技术部"),
        )
    )
)


def _shot(page: Any, tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("OPEXFLOW_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one
    return path


def _add(page: Any, section: str, fields: dict[str, str]) -> None:
    form = page.locator(f"#section-{section} details.add")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_response(lambda r: f"/records/{section}" in r.url):
        form.locator("button.primary").click()


def test_lead_runs_the_first_phase(server: str, browser_page: Any, tmp_path: Path) -> None:
    page = browser_page
    page.goto(f"{server}/projects/1")
    assert "/login" in page.url
    page.fill("input[name=username]", "zhang")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "no project with id 1" in page.content()  # back where the login started; not created yet

    # a new project
    page.goto(f"{server}/projects")
    page.fill("#new-project input[name=name]", "激活提效")
    page.fill("#new-project input[name=goal]", "激活时长从30分钟缩短到8分钟")
    page.click("#new-project button.primary")
    page.wait_for_url(f"{server}/projects/1")
    _shot(page, tmp_path, "00-new-project")
    assert page.locator(".timeline .step").count() == 6
    assert page.locator("#gate li.missing").count() == 4

    # the gate refuses and says why, in Chinese
    page.click("#move-next button")
    message = page.locator("#messages .message.error")
    message.wait_for()
    assert "阶段" in message.inner_text() or "cannot be left" in message.inner_text()
    assert page.locator("#messages li").count() == 4
    _shot(page, tmp_path, "01-gate-refused")

    # fill what the gate needs
    page.goto(f"{server}/projects/1/team")
    _add(page, "team", {"name": "张经理", "role": "leader", "department": "运营部"})
    assert "张经理" in page.locator("#section-team table").inner_text()
    page.goto(f"{server}/projects/1/survey")
    _add(
        page,
        "survey_plans",
        {"scope": "注册激活全流程", "start_on": "2024-03-01", "end_on": "2024-03-08"},
    )
    _add(
        page,
        "survey_records",
        {"kind": "interview", "held_on": "2024-03-02", "summary": "审核需登录3个系统核对"},
    )

    # upload a log: diagnosis, findings, process map
    page.goto(f"{server}/projects/1/logs")
    log = tmp_path / "激活.csv"
    log.write_text(CSV, encoding="utf-8")
    page.set_input_files("#upload input[type=file]", str(log))
    with page.expect_navigation():
        page.click("#upload button.primary")
    assert page.locator("#diagnosis .finding").count() >= 1
    frame = page.frame_locator("iframe.report")
    frame.locator("svg .node").first.wait_for(timeout=20_000)
    assert frame.locator("svg .node").count() >= 3
    _shot(page, tmp_path, "02-diagnosis")

    # Table 1 from the diagnosis, then the gate passes
    with page.expect_navigation():
        page.click("text=用诊断结果填写表1")
    assert page.locator("#section-table1 tbody tr").count() == 3
    page.goto(f"{server}/projects/1")
    assert page.locator("#gate li.missing").count() == 0
    with page.expect_navigation():
        page.click("#move-next button")
    assert "2 根因分析与问题聚焦" in page.locator(".phase-badge").inner_text()
    _shot(page, tmp_path, "03-phase-2")

    # English
    page.click("#switch-lang")
    page.wait_for_load_state()
    assert "2 Analyze" in page.locator(".phase-badge").inner_text()
    assert page.locator("nav.tabs a.active").inner_text() == "Overview"
    _shot(page, tmp_path, "04-english")
