"""SOPs through the API and the pages: draft, checks, 会签, signature, publishing, exports, diff."""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient

from opexflow.demo.sops import activation_sop


def test_an_sop_goes_from_draft_to_effective(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    leader, member, reviewer = login("leader"), login("member"), login("reviewer")
    pid = people["project"]
    sop = activation_sop().model_dump(mode="json")
    created = member.post(f"/api/v1/projects/{pid}/sops", json={"title": "激活SOP", "content": sop})
    assert created.status_code == 201, created.text
    v1 = created.json()
    assert v1["number"] == "V1.0" and v1["status"] == "draft"
    assert any(
        sop["target"]["kpi"] in c["message_zh"] for c in v1["checks"]
    )  # the KPI is not in the dictionary yet

    refused = member.post(
        f"/api/v1/sop-versions/{v1['id']}/submit", json={"reviewer_ids": [people["reviewer"]]}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "gate_not_met"
    assert (
        leader.post(
            "/api/v1/metrics",
            json={"name": sop["target"]["kpi"], "definition": "提交到激活完成的时长"},
        ).status_code
        == 201
    )
    submitted = member.post(
        f"/api/v1/sop-versions/{v1['id']}/submit", json={"reviewer_ids": [people["reviewer"]]}
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "in_review"
    locked = member.put(
        f"/api/v1/sop-versions/{v1['id']}/content",
        json={"version": submitted.json()["version"], "content": sop},
    )
    assert locked.status_code == 409

    assert (
        reviewer.post(
            f"/api/v1/sop-versions/{v1['id']}/comments",
            json={"anchor": "step:2", "text": "写清三个系统"},
        ).status_code
        == 201
    )
    assert (
        reviewer.post(
            f"/api/v1/sop-versions/{v1['id']}/review", json={"decision": "approved"}
        ).status_code
        == 200
    )
    assert member.post(f"/api/v1/sop-versions/{v1['id']}/sign").status_code == 403
    signed = leader.post(f"/api/v1/sop-versions/{v1['id']}/sign")
    assert (
        signed.status_code == 200
        and signed.json()["intact"] is True
        and len(signed.json()["signed_sha256"]) == 64
    )
    published = leader.post(
        f"/api/v1/sop-versions/{v1['id']}/publish",
        json={"effective_on": "2024-04-08", "summary": "首次发布"},
    )
    assert published.status_code == 200
    assert leader.get(f"/api/v1/projects/{pid}/table4").json()[0]["number"] == "V1.0"
    sheet = leader.get(f"/api/v1/projects/{pid}/table4.xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"

    v2 = member.post(
        f"/api/v1/sops/{v1['document_id']}/versions", json={"kind": "minor", "summary": "短信通道"}
    ).json()
    assert v2["number"] == "V1.1"
    changed = activation_sop("V1.1").model_dump(mode="json")
    assert (
        member.put(
            f"/api/v1/sop-versions/{v2['id']}/content",
            json={"version": v2["version"], "content": changed},
        ).status_code
        == 200
    )
    diff = member.get(f"/api/v1/sop-versions/{v2['id']}/diff", params={"against": v1["id"]}).json()
    assert diff["empty"] is False and diff["text"]

    word = member.get(f"/api/v1/sop-versions/{v1['id']}/export", params={"format": "docx"})
    assert word.status_code == 200 and word.content[:2] == b"PK"
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert sop["name"] in text

    for page in (
        "/sop",
        f"/sop/{v1['id']}",
        f"/sop/{v2['id']}",
        f"/sop/{v2['id']}/diff?against={v1['id']}",
    ):
        response = member.get(f"/projects/{pid}{page}")
        assert response.status_code == 200, page
    assert "生效中" in member.get(f"/projects/{pid}/sop").text


def test_a_draft_from_the_diagnosis_and_table_2(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    member = login("member")
    pid = people["project"]
    csv = "工单号,环节,完成时间,部门\n" + "".join(
        f"c{i},{a},2024-03-0{1 + i % 5} {9 + k}:{i % 50:02d},{d}\n"
        for i in range(30)
        for k, (a, d) in enumerate(
            (("提交资料", "客服部"), ("人工审核", "运营部"), ("激活", "技术部"))
        )
    )
    log = member.post(
        f"/api/v1/processes/{people['process']}/logs",
        files={"file": ("a.csv", csv.encode(), "text/csv")},
    ).json()
    member.post(
        f"/api/v1/projects/{pid}/measures",
        json={
            "goal": "缩短审核",
            "measure": "系统自动校验",
            "step": "人工审核",
            "kpi": "激活时长",
            "baseline": 30,
            "target": 8,
            "unit": "分钟",
        },
    )
    created = member.post(
        f"/api/v1/projects/{pid}/sops", json={"title": "草稿", "from_log_id": log["id"]}
    )
    assert created.status_code == 201, created.text
    steps = created.json()["content"]["steps"]
    assert [s["name"] for s in steps] == ["提交资料", "人工审核", "激活"]
    assert "系统自动校验" in str(steps[1])
    both = member.post(f"/api/v1/projects/{pid}/sops", json={"title": "x"})
    assert both.status_code == 422


def test_the_flowchart_travels_as_bpmn_and_is_saved_back(
    app: FastAPI, people: dict[str, int], login: Callable[[str], TestClient]
) -> None:
    del app
    member = login("member")
    pid = people["project"]
    v1 = member.post(
        f"/api/v1/projects/{pid}/sops",
        json={"title": "激活SOP", "content": activation_sop().model_dump(mode="json")},
    ).json()
    xml = member.get(f"/api/v1/sop-versions/{v1['id']}/export", params={"format": "bpmn"}).text
    assert "bpmndi:BPMNDiagram" in xml and "人工审核" in xml
    edited = xml.replace(">人工审核<", ">人工审核(自动校验后)<").replace(
        'name="人工审核"', 'name="人工审核(自动校验后)"'
    )
    saved = member.put(
        f"/api/v1/sop-versions/{v1['id']}/flowchart", json={"version": v1["version"], "xml": edited}
    )
    assert saved.status_code == 200, saved.text
    names = {n["name"] for n in saved.json()["content"]["flowchart"]["nodes"]}
    assert "人工审核(自动校验后)" in names
    before = {n["name"] for n in v1["content"]["flowchart"]["nodes"]}
    assert len(names) == len(before)
    stale = member.put(
        f"/api/v1/sop-versions/{v1['id']}/flowchart", json={"version": v1["version"], "xml": xml}
    )
    assert stale.status_code == 409
    broken = member.put(
        f"/api/v1/sop-versions/{v1['id']}/flowchart",
        json={"version": saved.json()["version"], "xml": "<nope/>"},
    )
    assert broken.status_code == 422 and "BPMN" in broken.json()["error"]
    page = member.get(f"/projects/{pid}/sop/{v1['id']}").text
    assert "bpmn-modeler.production.min.js" in page
