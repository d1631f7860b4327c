"""The words of an SOP document, in Chinese and English, defined once."""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["zh", "en"]

#: Field name → (中文, English): cover fields, sections, step columns.
FIELD_LABELS: Final[dict[str, tuple[str, str]]] = {
    "process_id": ("流程ID", "Process ID"),
    "name": ("流程名称", "Process name"),
    "version": ("版本号", "Version"),
    "document_no": ("文件编号", "Document no."),
    "effective_on": ("生效日期", "Effective date"),
    "editor": ("编制", "Prepared by"),
    "reviewer": ("审核", "Reviewed by"),
    "approver": ("批准", "Approved by"),
    "person": ("姓名", "Name"),
    "signature": ("签字", "Signature"),
    "date": ("日期", "Date"),
    "purpose": ("流程目的", "Purpose"),
    "target": ("量化目标", "Quantified target"),
    "scope": ("适用范围", "Scope"),
    "raci": ("职责分工（RACI）", "Responsibilities (RACI)"),
    "steps": ("详细步骤", "Detailed steps"),
    "flowchart": ("流程图", "Flowchart"),
    "control_points": ("关键控制点", "Key control points"),
    "forms_tools": ("表单与工具", "Forms and tools"),
    "contingency": ("应急方案", "Contingency plans"),
    "history": ("修订记录", "Revision history"),
    "number": ("序号", "No."),
    "step": ("步骤", "Step"),
    "role": ("责任岗位", "Responsible role"),
    "department": ("责任部门", "Department"),
    "input": ("输入", "Input"),
    "output": ("输出", "Output"),
    "guidance": ("操作指引", "Guidance"),
    "system_path": ("系统操作路径", "System path"),
    "time_limit": ("时限", "Time limit"),
    "measures": ("优化措施", "Measures"),
    "as_is_minutes": ("现状单步耗时（分钟）", "As-is minutes per step"),
    "as_is_problems": ("现状问题", "As-is problems"),
    "scenarios": ("业务场景", "Scenarios"),
    "departments": ("涉及部门", "Departments"),
    "roles": ("涉及角色", "Roles"),
    "trigger": ("触发情形", "Trigger"),
    "procedure": ("临时处理", "Temporary procedure"),
    "recovery": ("恢复要求", "Recovery"),
    "owner": ("负责人", "Owner"),
    "kind": ("类别", "Kind"),
    "form": ("表单", "Form"),
    "tool": ("工具", "Tool"),
    "description": ("说明", "Description"),
    "item": ("名称", "Name"),
    "summary": ("修改内容摘要", "Change summary"),
    "remarks": ("备注", "Remarks"),
    "rule_id": ("编号", "ID"),
    "rule": ("控制要求", "Requirement"),
    "title": ("标准作业程序", "Standard Operating Procedure"),
    "raci_legend": (
        "R＝负责执行，A＝批准（每个步骤有且仅有一个），C＝咨询，I＝知会",
        "R = responsible, A = accountable (exactly one per step), C = consulted, I = informed",
    ),
    "flowchart_note": (
        "流程图（BPMN 2.0）按步骤顺序列出如下；可导出 .bpmn 文件在 bpmn.io / Camunda Modeler 中查看。",
        "The flowchart (BPMN 2.0) is listed below step by step; export the .bpmn file to view it in bpmn.io or Camunda Modeler.",
    ),
    "lane": ("泳道", "Lane"),
    "none": ("无", "none"),
    "target_text": ("目标：{text}", "Target: {text}"),
}


def label(key: str, lang: Lang) -> str:
    """The label of ``key`` in ``lang`` (the key itself when unknown)."""
    pair = FIELD_LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]
