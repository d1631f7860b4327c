"""The self-contained HTML diagnosis report: content, safety, languages, writing, browser."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from opexflow.errors import InputError, NotFoundError
from opexflow.report import render_report, write_report
from opexflow.report.formatting import format_share, humanize_duration
from opexflow.report.i18n import FINDING_KINDS, MESSAGES, PROBLEM_TYPES, label

EVIL = '</script><b id="pwned">x</b><!--<script>'


class _Page(HTMLParser):
    """Visible text (outside script and style) and the text of each script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in: str | None = None
        self._attrs: dict[str, str | None] = {}
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._in, self._attrs, self._buffer = tag, dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            if tag == "script":
                self.scripts.append((self._attrs, "".join(self._buffer)))
            self._in = None

    def handle_data(self, data: str) -> None:
        (self._buffer if self._in else self.text).append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def visible(html: str) -> str:
    return " ".join(parse(html).text)


def data_block(html: str) -> Any:
    blocks = [body for attrs, body in parse(html).scripts if attrs.get("id") == "report-data"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


# ---------- content ----------


def test_zh_page_shows_activities_findings_and_table1(registration: dict[str, Any]) -> None:
    html = render_report(registration, lang="zh")
    text = visible(html)
    assert '<html lang="zh-CN">' in html
    assert "用户注册激活流程" in text
    for node in registration["process_map"]["nodes"]:
        assert node["activity"] in text
    for finding in registration["findings"]:
        assert finding["message_zh"] in text
        assert finding["message_en"] not in text
    assert "3. 人工审核" in text
    assert "需人工登录 3 个系统核对身份信息，单笔约 30 分钟，错误率 5%。" in text
    for header in ("流程名称", "涉及部门", "当前步骤(按顺序)", "责任岗位", "单步耗时(分钟)"):
        assert header in text


def test_zh_kpis_and_durations_are_humanized(registration: dict[str, Any]) -> None:
    text = visible(render_report(registration, lang="zh"))
    assert "1,062" in text  # cases
    assert "2024年1月1日 至 2024年3月31日" in text
    assert humanize_duration(registration["throughput"]["median_s"], "zh") in text
    assert "瓶颈" in text and "返工" in text


def test_en_page_uses_english_labels_and_messages(registration: dict[str, Any]) -> None:
    html = render_report(registration, lang="en")
    text = visible(html)
    assert '<html lang="en">' in html
    for finding in registration["findings"]:
        assert finding["message_en"] in text
        assert finding["message_zh"] not in text
    for header in ("Process", "Departments", "Step", "Role", "Minutes per step", "Problem types"):
        assert header in text
    assert "efficiency" in text and "Bottleneck" in text
    assert "1 Jan 2024 – 31 Mar 2024" in text
    assert "诊断发现" not in text


def test_variants_show_cases_share_and_median(registration: dict[str, Any]) -> None:
    text = visible(render_report(registration, lang="en"))
    top = registration["variants"][0]
    assert f"{top['cases']} cases · {format_share(top['share'])}" in text
    assert humanize_duration(top["median_s"], "en") in text


def test_histogram_has_one_bar_per_bin_and_marks_median(registration: dict[str, Any]) -> None:
    html = render_report(registration, lang="zh")
    bins = registration["throughput"]["histogram"]
    assert html.count('<rect class="hist-bar"') == len(bins)
    assert "中位数 " + humanize_duration(registration["throughput"]["median_s"], "zh") in html


def test_quality_checks_show_count_and_examples(registration: dict[str, Any]) -> None:
    text = visible(render_report(registration, lang="zh"))
    assert "missing_timestamp" in text
    assert "17 条事件缺少时间戳，已排除。" in text
    assert "行 1042 · 列 timestamp · 值 “” · 案例 REG-20240311-0087" in text


def test_noscript_fallback_lists_top_paths(registration: dict[str, Any]) -> None:
    html = render_report(registration, lang="zh")
    noscript = html[html.index("<noscript>") : html.rindex("</noscript>")]
    assert "流程地图需要启用 JavaScript" in noscript
    assert "<td>人工审核</td><td>账户激活</td>" in noscript


def test_empty_sections_say_so() -> None:
    text = visible(render_report({"title": "空流程", "log": {}, "process_map": {}}, lang="en"))
    assert "No significant problems found." in text
    assert "No data-quality problems found." in text


# ---------- self-contained and safe ----------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_makes_no_external_requests(order: dict[str, Any], lang: str) -> None:
    html = render_report(order, lang=lang)  # type: ignore[arg-type]
    assert re.findall(r"https?:", html) == []
    assert "<link" not in html
    assert re.findall(r"\bsrc=", html) == []
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', html))
    assert "sourceMappingURL" not in html
    assert "WebAssembly" in html  # Graphviz travels inside the page


def test_script_end_in_activity_names_cannot_break_out(registration: dict[str, Any]) -> None:
    data = copy.deepcopy(registration)
    data["process_map"]["nodes"][0]["activity"] = EVIL
    data["process_map"]["edges"][0]["from"] = EVIL
    data["variants"][0]["activities"][0] = EVIL
    data["table1"][0]["activity"] = EVIL
    data["findings"][0]["message_zh"] = EVIL
    data["title"] = EVIL
    html = render_report(data, lang="zh")
    page = parse(html)
    assert [a.get("id") for a, _ in page.scripts] == ["report-data", "report-i18n", None, None]
    assert '<b id="pwned">' not in html
    assert data_block(html) == data
    assert EVIL in visible(html)


def test_non_finite_numbers_become_null(registration: dict[str, Any]) -> None:
    data = copy.deepcopy(registration)
    data["process_map"]["edges"][0]["p90_s"] = float("nan")
    data["throughput"]["max_s"] = float("inf")
    block = data_block(render_report(data))
    assert block["process_map"]["edges"][0]["p90_s"] is None
    assert block["throughput"]["max_s"] is None


# ---------- arguments ----------


def test_unknown_language_is_refused(registration: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="'fr' is not supported; use one of: zh, en"):
        render_report(registration, lang="fr")  # type: ignore[arg-type]


def test_missing_keys_are_named() -> None:
    with pytest.raises(InputError, match="lacks log, process_map; it has title"):
        render_report({"title": "x"})


# ---------- writing ----------


def test_write_report_is_utf8_and_leaves_no_temp_file(
    tmp_path: Path, registration: dict[str, Any]
) -> None:
    target = tmp_path / "诊断报告.html"
    target.write_text("old", encoding="utf-8")
    assert write_report(registration, target, lang="en") == target
    assert target.read_text(encoding="utf-8") == render_report(registration, lang="en")
    assert [p.name for p in tmp_path.iterdir()] == ["诊断报告.html"]


def test_failed_write_keeps_the_old_file(
    tmp_path: Path, registration: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")

    def broken_fsync(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_report(registration, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_write_report_into_missing_folder_says_so(
    tmp_path: Path, registration: dict[str, Any]
) -> None:
    with pytest.raises(NotFoundError, match="does not exist; create it first"):
        write_report(registration, tmp_path / "nope" / "report.html")


# ---------- words and numbers ----------


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [
        (9000, "2.5 小时", "2.5 h"),
        (3 * 86400 + 4 * 3600, "3 天 4 小时", "3 d 4 h"),
        (2700, "45 分钟", "45 min"),
        (150, "2.5 分钟", "2.5 min"),
        (42, "42 秒", "42 s"),
        (2 * 86400 + 20 * 60, "2 天", "2 d"),
        (45 * 86400, "45 天", "45 d"),
        (None, "—", "—"),
    ],
)
def test_durations_read_naturally(seconds: float | None, zh: str, en: str) -> None:
    assert humanize_duration(seconds, "zh") == zh
    assert humanize_duration(seconds, "en") == en


def test_every_finding_kind_and_problem_type_has_both_labels() -> None:
    kinds = {"bottleneck", "rework", "long_wait", "handover", "variant_sprawl"}
    kinds |= {"sla_breach", "data_quality", "control_violation"}
    assert set(FINDING_KINDS) == kinds
    assert [label("zh", "problem", p) for p in PROBLEM_TYPES] == ["效率", "质量", "协同", "风险"]
    assert all(zh and en for zh, en in MESSAGES.values())


# ---------- in a browser ----------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but chromium is not installed: apt-get install -y chromium")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


def _dump_dom(page: Path, *extra: str, fragment: str = "") -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND",  # any network request would fail
                f"--user-data-dir={profile}",
                "--virtual-time-budget=10000",
                *extra,
                "--dump-dom",
                page.as_uri() + fragment,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return result.stdout


def _map_svg(dom: str) -> str:
    canvas = dom.index('id="map-canvas"')
    start = dom.index("<svg", canvas)
    return dom[start : dom.index("</svg>", start)]


@pytest.mark.browser
def test_map_is_drawn_in_chromium(tmp_path: Path, order: dict[str, Any]) -> None:
    page = write_report(order, tmp_path / "report.html", lang="zh")
    svg = _map_svg(_dump_dom(page))
    for node in order["process_map"]["nodes"]:
        assert f">{node['activity']}</text>" in svg
    assert svg.count('class="node"') == len(order["process_map"]["nodes"]) + 2  # start, end
    assert "3,083 案例 · 3,083 事件" in svg


@pytest.mark.browser
def test_performance_view_in_english_with_hostile_names(
    tmp_path: Path, registration: dict[str, Any]
) -> None:
    data = copy.deepcopy(registration)
    nodes, edges = data["process_map"]["nodes"], data["process_map"]["edges"]
    nodes[0]["activity"] = EVIL
    for e in edges:
        e["from"] = EVIL if e["from"] == "提交注册申请" else e["from"]
    page = write_report(data, tmp_path / "report.html", lang="en")
    dom = _dump_dom(page, fragment="#view=performance")
    svg = _map_svg(dom)
    assert '&lt;/script&gt;&lt;b id="pwned"&gt;x&lt;/b&gt;' in svg
    assert '<b id="pwned">' not in dom
    assert "wait 5.5 h · work 30 min" in svg
    assert "Edges: median duration" in dom
