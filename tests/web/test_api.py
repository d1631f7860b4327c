from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_a_stale_update_gets_409_and_overwrites_nothing(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    alice, bob = login("leader"), login("member")
    base = f"/api/v1/projects/{people['project']}/problems"
    problem = alice.post(base, json={"category": "efficiency", "title": "审核慢"}).json()
    first = alice.patch(
        f"{base}/{problem['id']}", json={"version": problem["version"], "impact": 5}
    )
    assert first.status_code == 200 and first.json()["version"] == problem["version"] + 1
    stale = bob.patch(f"{base}/{problem['id']}", json={"version": problem["version"], "impact": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert alice.get(base).json()[0]["impact"] == 5


def test_validation_errors_name_fields_in_the_users_language(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("leader")
    url = f"/api/v1/projects/{people['project']}/survey_plans"
    body = {"scope": "全流程", "start_on": "2024-13-01"}
    zh = client.post(url, json=body)
    assert zh.status_code == 422
    assert zh.json()["errors"] == [
        {"field": "start_on", "message": "日期格式应为 YYYY-MM-DD"},
        {"field": "end_on", "message": "必填"},
    ]
    en = client.post(url, json=body, headers={"Accept-Language": "en-US,en"})
    assert [e["message"] for e in en.json()["errors"]] == ["date must be YYYY-MM-DD", "required"]
    rule = client.post(url, json={"scope": "x", "start_on": "2024-03-05", "end_on": "2024-03-01"})
    assert rule.status_code == 422 and rule.json()["errors"][0]["field"] == "end_on"


def test_a_gate_refusal_lists_what_is_missing(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("leader")
    refused = client.post(f"/api/v1/projects/{people['project']}/phase", json={"to": "analyze"})
    assert refused.status_code == 409 and refused.json()["code"] == "gate_not_met"
    assert [e["field"] for e in refused.json()["errors"]] == [
        "team_leader",
        "survey_plan",
        "evidence",
        "table1",
    ]
    gate = client.get(f"/api/v1/projects/{people['project']}/gate").json()
    assert gate["passed"] is False and gate["to"] == "analyze"


def test_uploading_a_log_diagnoses_it_and_serves_its_map(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("member")
    csv = "工单号,环节,完成时间\n" + "".join(
        f"c{i},{a},2024-03-0{1 + i % 5} {9 + k}:00\n"
        for i in range(20)
        for k, a in enumerate(("提交资料", "人工审核", "激活"))
    )
    uploaded = client.post(
        f"/api/v1/processes/{people['process']}/logs",
        files={"file": ("激活.csv", csv.encode(), "text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.text
    record = uploaded.json()
    assert (record["cases"], record["events"], record["activities"]) == (20, 60, 3)
    assert record["diagnosis"]["log"]["cases"] == 20
    process_map = client.get(f"/api/v1/logs/{record['id']}/map").json()
    assert {n["activity"] for n in process_map["nodes"]} == {"提交资料", "人工审核", "激活"}
    assert {(e["from"], e["to"], e["cases"]) for e in process_map["edges"]} == {
        ("提交资料", "人工审核", 20),
        ("人工审核", "激活", 20),
    }
    bad = client.post(
        f"/api/v1/processes/{people['process']}/logs",
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
    )
    assert bad.status_code == 422 and "CSV, XLSX, XES" in bad.json()["error"]


def test_tables_1_and_2_travel_as_excel(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    client = login("member")
    api = f"/api/v1/projects/{people['project']}"
    client.post(
        f"{api}/table1",
        json={
            "step": 1,
            "activity": "人工审核",
            "minutes_per_step": 30,
            "problem_types": ["efficiency"],
        },
    )
    exported = client.get(f"{api}/table1.xlsx")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    assert "attachment" in exported.headers["content-disposition"]
    again = client.post(
        f"{api}/table1.xlsx",
        files={"file": ("t.xlsx", exported.content, "application/octet-stream")},
        data={"replace": "true"},
    )
    assert again.status_code == 200 and again.json()["rows"] == 1 and again.json()["replaced"] == 1
    rows = client.get(f"{api}/table1").json()
    assert [(r["activity"], r["minutes_per_step"], r["problem_types"]) for r in rows] == [
        ("人工审核", 30, ["efficiency"])
    ]
    bad = client.post(
        f"{api}/table1.xlsx", files={"file": ("t.xlsx", b"garbage", "application/octet-stream")}
    )
    assert bad.status_code == 422 and len(client.get(f"{api}/table1").json()) == 1
