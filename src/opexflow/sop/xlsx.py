"""Table 4 (流程优化记录表, the version record) as an Excel workbook, with the seed's columns.

Example:
    >>> from opexflow.sop.model import ChangeRecord
    >>> row = ChangeRecord(process_id="YH-LC01", name="用户注册激活流程", version="V1.1",
    ...                    summary="新增短信通道优化步骤")
    >>> table4_cells(row)[:3]
    ['YH-LC01', '用户注册激活流程', 'V1.1']
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Final

from opexflow.sop.labels import Lang
from opexflow.sop.model import ChangeRecord

#: Column headers, (zh, en), in the seed's order.
TABLE4_HEADERS: Final[tuple[tuple[str, str], ...]] = (
    ("流程ID", "process ID"),
    ("流程名称", "process name"),
    ("版本号", "version"),
    ("生效日期", "effective date"),
    ("修改内容摘要", "change summary"),
    ("修改人", "editor"),
    ("审核人", "reviewer"),
    ("备注", "remarks"),
)
_WIDTHS: Final = (12, 20, 8, 12, 40, 10, 10, 24)


def table4_cells(row: ChangeRecord) -> list[str]:
    """The row as text in the order of :data:`TABLE4_HEADERS`."""
    return [
        row.process_id,
        row.name,
        row.version,
        row.effective_on.isoformat() if row.effective_on else "",
        row.summary,
        row.editor,
        row.reviewer,
        row.remarks,
    ]


def table4_xlsx(rows: Iterable[ChangeRecord], lang: Lang = "zh") -> bytes:
    """Table 4 as XLSX bytes: one sheet, a bold header row (zh or en), one row per version.

    The effective date is a real date cell, so Excel sorts and filters it.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "表4 流程优化记录表" if lang == "zh" else "Table 4 version record"
    ws.append([zh if lang == "zh" else en for zh, en in TABLE4_HEADERS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        cells: list[object] = list(table4_cells(r))
        cells[3] = r.effective_on
        ws.append(cells)
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        row[3].number_format = "yyyy-mm-dd"
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
