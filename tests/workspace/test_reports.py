from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from opexflow.logs.read import kept_source_dir
from opexflow.workspace.diagnosis import attach_and_diagnose
from opexflow.workspace.processes import Process
from opexflow.workspace.reports import report_data_for, report_html_for
from opexflow.workspace.users import User

LOG = "订单号,环节,完成时间,金额\n" + "".join(
    f"o{i},下单,2024-03-0{1 + i % 5} 09:00,{amount}\n"
    + (f"o{i},财务审批,2024-03-0{1 + i % 5} 10:00,{amount}\n" if i % 3 else "")
    + f"o{i},发货,2024-03-0{1 + i % 5} 12:00,{amount}\n"
    for i, amount in enumerate([20000, 5000, 15000, 30000, 800, 12000])
)
RULES = "- id: finance-approval\n  when: 金额 >= 10000\n  require: 财务审批\n  before: 发货\n"


def test_the_report_is_kept_with_the_rules_used_at_attach(
    session: Session, admin: User, process: Process, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(LOG, encoding="utf-8")
    record = attach_and_diagnose(
        session, actor=admin, process=process, path=path, rules=RULES, data_dir=tmp_path / "data"
    )
    cached = tmp_path / "data" / "reports" / f"log-{record.id}.json"
    data = json.loads(cached.read_text(encoding="utf-8"))
    assert data == report_data_for(record, tmp_path / "data")  # read back, not diagnosed again
    kinds = [f["kind"] for f in record.diagnosis["findings"]]  # type: ignore[index]
    assert "control_violation" in kinds
    html = report_html_for(record, tmp_path / "data", "zh")
    assert (
        "finance-approval" in html
        and (tmp_path / "data" / "reports" / f"log-{record.id}.zh.html").exists()
    )


def test_an_upload_survives_a_change_of_dataset_format(
    session: Session, admin: User, process: Process, tmp_path: Path
) -> None:
    upload = tmp_path / "tmp-upload-1234.csv"
    upload.write_text(LOG, encoding="utf-8")
    record = attach_and_diagnose(
        session,
        actor=admin,
        process=process,
        path=upload,
        source_name="orders.csv",
        data_dir=tmp_path / "data",
    )
    upload.unlink()  # the web layer removes its temporary file
    assert [p.name for p in kept_source_dir(record.dataset).iterdir()] == [upload.name]
    # A later opexflow writes datasets differently: this one looks like an old one.
    meta = Path(record.dataset) / "meta.json"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace('"schema_version": 2', '"schema_version": 1')
    )
    (tmp_path / "data" / "reports" / f"log-{record.id}.json").unlink()
    data = report_data_for(record, tmp_path / "data")  # diagnosed again: the log is re-imported
    assert data["log"]["events"] == record.events
    assert json.loads(meta.read_text(encoding="utf-8"))["schema_version"] == 2
