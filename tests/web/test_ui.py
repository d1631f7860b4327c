"""The server-rendered pages, driven as htmx drives them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

HX = {"HX-Request": "true"}
PAGES = (
    "",
    "/team",
    "/survey",
    "/logs",
    "/table1",
    "/problems",
    "/matrix",
    "/table2",
    "/pilot",
    "/risks",
)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ("六阶段时间线", "阶段门检查")), ("en", ("Six-phase timeline", "Gate check"))],
)
def test_every_project_page_renders_in_both_languages(
    app: FastAPI,
    people: dict[str, int],
    login: Callable[[str], TestClient],
    lang: str,
    words: tuple[str, ...],
) -> None:
    del app
    client = login("member")
    client.cookies.set("opexflow_lang", lang)
    base = f"/projects/{people['project']}"
    # an update in the audit trail, which the overview lists with its fields
    assert (
        client.patch(f"/api/v1{base}", json={"version": 1, "goal": "激活时长30→8分钟"}).status_code
        == 200
    )
    for page in PAGES:
        response = client.get(base + page)
        assert response.status_code == 200, page
        assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in response.text
    overview = client.get(base).text
    assert all(w in overview for w in words)
    risks = client.get(base + "/risks").text
    assert "高层支持不足" in risks  # the seed's risks, pre-filled
    assert client.get("/metrics").status_code == 200


def test_adding_editing_and_deleting_a_row(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("member")
    url = f"/projects/{people['project']}/records/table1"
    added = client.post(
        url,
        data={
            "step": "1",
            "activity": "人工审核",
            "minutes_per_step": "30",
            "problem_types": ["efficiency", "quality"],
        },
        headers=HX,
    )
    assert added.status_code == 200 and added.headers["HX-Trigger"] == "records-changed"
    assert "人工审核" in added.text and "效率" in added.text and "质量" in added.text
    row_id = int(added.text.split('id="table1-')[1].split('"')[0])
    form = client.get(f"{url}/{row_id}/edit", headers=HX)
    assert 'name="version" value="1"' in form.text
    changed = client.post(
        f"{url}/{row_id}",
        data={
            "version": "1",
            "step": "1",
            "activity": "人工审核(三系统核对)",
            "minutes_per_step": "25",
        },
        headers=HX,
    )
    assert changed.status_code == 200 and "三系统核对" in changed.text
    stale = client.post(
        f"{url}/{row_id}", data={"version": "1", "step": "1", "activity": "旧的"}, headers=HX
    )
    assert stale.status_code == 409 and stale.headers["HX-Retarget"] == "#messages"
    deleted = client.post(f"{url}/{row_id}/delete", headers=HX)
    assert "三系统核对" not in deleted.text


def test_bad_form_input_is_named_in_the_users_language(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("member")
    url = f"/projects/{people['project']}/records/survey_plans"
    zh = client.post(url, data={"scope": "全流程", "start_on": "明天"}, headers=HX)
    assert zh.status_code == 422 and zh.headers["HX-Retarget"] == "#messages"
    assert "日期格式应为 YYYY-MM-DD" in zh.text and "必填" in zh.text
    client.cookies.set("opexflow_lang", "en")
    en = client.post(
        url, data={"scope": "x", "start_on": "2024-03-05", "end_on": "2024-03-01"}, headers=HX
    )
    assert en.status_code == 422 and "before it starts" in en.text


def test_viewers_see_no_edit_controls_and_cannot_post(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("viewer")
    page = client.get(f"/projects/{people['project']}/team").text
    assert 'details class="add"' not in page and ">编辑<" not in page
    refused = client.post(
        f"/projects/{people['project']}/records/team", data={"name": "x", "role": "it"}, headers=HX
    )
    assert refused.status_code == 403


def test_the_fishbone_draws_causes_and_marks_the_root(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("leader")
    api = f"/api/v1/projects/{people['project']}"
    problem = client.post(
        f"{api}/problems", json={"category": "efficiency", "title": "人工审核慢"}
    ).json()
    for category, text, root in (
        ("machine", "3个系统未打通", True),
        ("man", "审核员不足", False),
        ("environment", "上午高峰", False),
    ):
        assert (
            client.post(
                f"{api}/fishbone",
                json={
                    "problem_id": problem["id"],
                    "category": category,
                    "text": text,
                    "is_root": root,
                },
            ).status_code
            == 201
        )
    svg = client.get(f"/projects/{people['project']}/problems/{problem['id']}/fishbone").text
    assert svg.count('class="bone"') == 5 and svg.count('class="rib-text') == 3
    assert "3个系统未打通 ★" in svg and "审核员不足" in svg
    assert "人工审核慢" in svg
    detail = client.get(f"/projects/{people['project']}/problems/{problem['id']}").text
    assert 'hx-trigger="load, records-changed from:body"' in detail


def test_the_language_switch_sets_a_cookie_and_returns(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("member")
    page = f"http://testserver/projects/{people['project']}"
    switched = client.get("/lang/en", headers={"Referer": page}, follow_redirects=False)
    assert (
        switched.headers["location"] == page
        and "opexflow_lang=en" in switched.headers["set-cookie"]
    )
    away = client.get(
        "/lang/en", headers={"Referer": "https://evil.example/"}, follow_redirects=False
    )
    assert away.headers["location"] == "/"
