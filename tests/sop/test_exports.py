from __future__ import annotations

import io
import shutil

import pytest
from docx import Document
from docx.oxml.ns import qn

from opexflow.errors import InputError
from opexflow.models import from_xml
from opexflow.sop import Sop, export_sop, to_docx, to_html, to_markdown
from opexflow.sop.figure import find_cjk_font, flowchart_png, flowchart_svg


def _texts(doc: object) -> list[str]:
    return [p.text for p in doc.paragraphs]  # type: ignore[attr-defined]


def test_docx_has_cover_headings_and_raci_table(v11: Sop) -> None:
    doc = Document(io.BytesIO(to_docx(v11, figure=False)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == ["用户注册激活流程 标准作业程序", "修订记录", "1 流程目的"]
    assert "3 职责分工（RACI）" in headings and "8 应急方案" in headings
    cover, signoff, history, raci, steps = (doc.tables[i] for i in range(5))
    fields = {r.cells[0].text: r.cells[1].text for r in cover.rows}
    assert fields["文件编号"] == "SOP-YH-LC01" and fields["版本号"] == "V1.1"
    assert fields["生效日期"] == "2024-05-06"
    assert [[c.text for c in r.cells] for r in signoff.rows] == [
        ["", "姓名", "签字", "日期"],
        ["编制", "王经理", "", ""],
        ["审核", "李总监", "", ""],
        ["批准", "赵总（运营负责人）", "", ""],
    ]
    assert [c.text for c in history.rows[2].cells] == [
        "V1.1",
        "2024-05-06",
        "新增短信通道优化步骤",
        "王经理",
        "李总监",
        "解决验证码接收问题",
    ]
    header = [c.text for c in raci.rows[0].cells]
    assert header[:4] == ["序号", "步骤", "运营专员", "运营主管"]
    review = [c.text for c in raci.rows[2].cells]
    assert review[:5] == ["2", "人工审核", "R", "A", "C"]
    assert all(row.cells[header.index("运营主管")].text == "A" for row in raci.rows[1:])
    assert [c.text for c in steps.rows[2].cells][:3] == ["2", "人工审核", "运营专员"]
    texts = _texts(doc)
    assert "「人工审核」必须在「系统激活」之前完成。（review-before-activation）" in texts
    # Without the picture, the flowchart is listed step by step.
    assert "[技术部] 重发短信 → ◇ 网关 1" in texts


def test_docx_styles_name_an_east_asian_font(v10: Sop) -> None:
    doc = Document(io.BytesIO(to_docx(v10, figure=False)))
    for name, font in (("Normal", "宋体"), ("Heading 1", "黑体")):
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == font
        assert rfonts.get(qn("w:eastAsiaTheme")) is None  # the theme would override it
    assert "SOP-YH-LC01" in doc.sections[0].header.paragraphs[0].text


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font to draw the flowchart with")
def test_docx_flowchart_picture_on_a_landscape_page(orders: Sop) -> None:
    png = flowchart_png(orders.bpmn())
    assert png is not None and png.startswith(b"\x89PNG")
    doc = Document(io.BytesIO(to_docx(orders)))
    assert len(doc.inline_shapes) == 1
    orientation = [s.page_width > s.page_height for s in doc.sections]
    assert orientation == [False, True, False]


def test_english_docx(orders: Sop) -> None:
    doc = Document(io.BytesIO(to_docx(orders, "en", figure=False)))
    texts = _texts(doc)
    assert "3. Responsibilities (RACI)" in texts
    assert any(t.startswith("Emergency bypass: when 加急 and 金额 ≥ 100,000") for t in texts)


def test_markdown_key_lines(v11: Sop) -> None:
    lines = to_markdown(v11).splitlines()
    for expected in (
        "# 用户注册激活流程 标准作业程序",
        "- **版本号**：V1.1",
        "| 批准 | 赵总（运营负责人） |  |  |",
        "| V1.1 | 2024-05-06 | 新增短信通道优化步骤 | 王经理 | 李总监 | 解决验证码接收问题 |",
        "目标：激活时长 30 → 5 分钟",
        "| 序号 | 步骤 | 运营专员 | 运营主管 | 技术工程师 | 客服专员 | 用户 |",
        "| 7 | 重发短信 |  | A | R | C |  |",
        "| 2 | 人工审核 | 运营专员 | 运营部 | 激活申请 | 审核结论（通过／补充资料） | 5 分钟 |",
        "### 4.7 重发短信",
        "- 优化措施：短信通道优化：接入备用短信通道（技术部）",
        "3. 「重发短信」必须在「发送短信」之后 5 分钟内完成。（sms-resend）",
        "| 系统故障（CRM 或自动校验工具不可用） | 临时启用纸质《用户激活申请表》登记，人工核对 | 24 小时内补录系统 | 运营主管 |",
    ):
        assert expected in lines, expected


def test_html_is_one_page_with_an_svg_flowchart(orders: Sop) -> None:
    page = to_html(orders, "en")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert page.count("<svg") == 1 and "财务审批</text>" in page
    assert "<th>Department</th>" in page
    assert "金额 &lt; 10,000</text>" in flowchart_svg(orders.bpmn())  # a branch label, escaped
    tricky = orders.model_copy(update={"purpose": "<script>alert(1)</script>"})
    assert "<script>" not in to_html(tricky)


def test_bpmn_export_reads_back(orders: Sop) -> None:
    model = from_xml(export_sop(orders, format="bpmn"))
    assert sorted(model.tasks) == sorted(s.name for s in orders.steps)
    assert set(model.lanes) == {"销售部", "仓储部", "财务部", "运营部"}


def test_export_refuses_unknown_format_and_language(v10: Sop) -> None:
    with pytest.raises(InputError, match="docx, md, html, pdf, bpmn, json"):
        export_sop(v10, format="odt")
    with pytest.raises(InputError, match="zh or en"):
        export_sop(v10, format="md", lang="fr")  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_through_libreoffice(v11: Sop) -> None:
    pdf = export_sop(v11, format="pdf")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 20_000


def test_table4_xlsx_has_the_seed_columns(v11: Sop) -> None:
    from openpyxl import load_workbook

    from opexflow.sop import table4_xlsx

    ws = load_workbook(io.BytesIO(table4_xlsx(v11.history))).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == [
        "流程ID",
        "流程名称",
        "版本号",
        "生效日期",
        "修改内容摘要",
        "修改人",
        "审核人",
        "备注",
    ]
    assert rows[2][:3] == ["YH-LC01", "用户注册激活流程", "V1.1"]
    assert rows[2][3].date().isoformat() == "2024-05-06"
    assert rows[2][4:] == ["新增短信通道优化步骤", "王经理", "李总监", "解决验证码接收问题"]
    en = load_workbook(io.BytesIO(table4_xlsx(v11.history, "en"))).active
    assert en["E1"].value == "change summary"
