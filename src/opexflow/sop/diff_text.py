"""A version diff as lines people read (``opexflow sop diff``), in Chinese or English."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from opexflow.sop.labels import label

if TYPE_CHECKING:
    from opexflow.sop.diff import SopDiff
    from opexflow.sop.model import Lang

_WORDS = {
    "zh": {
        "head": "{a} → {b} 的变更",
        "none": "两个版本内容相同。",
        "sections": "章节",
        "steps": "步骤",
        "raci": "RACI",
        "rules": "关键控制点",
        "bpmn": "流程图（BPMN）",
        "added": "新增",
        "removed": "删除",
        "changed": "修改",
        "node": "节点",
        "flow": "连线",
        "diagram": "布局",
        "empty": "（空）",
    },
    "en": {
        "head": "Changes from {a} to {b}",
        "none": "The two versions have the same content.",
        "sections": "Sections",
        "steps": "Steps",
        "raci": "RACI",
        "rules": "Control points",
        "bpmn": "Flowchart (BPMN)",
        "added": "added",
        "removed": "removed",
        "changed": "changed",
        "node": "node",
        "flow": "flow",
        "diagram": "layout",
        "empty": "(empty)",
    },
}


def _value(v: Any, lang: Lang) -> str:
    if isinstance(v, list) and v and all(isinstance(x, dict) and "version" in x for x in v):
        return ", ".join(str(x["version"]) for x in v)  # the revision history: its versions
    if v is None or v == "" or v == [] or v == {}:
        return _WORDS[lang]["empty"]
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def diff_text(d: SopDiff, lang: Lang = "zh") -> str:
    """The diff as text, one change per line, grouped by section."""
    w = _WORDS[lang]
    lines = [w["head"].format(a=d.version_a, b=d.version_b)]
    if d.empty:
        return "\n".join([*lines, w["none"]])
    if d.sections:
        lines.append(f"\n## {w['sections']}")
        lines += [
            f"~ {label(c.field, lang)}: {_value(c.old, lang)} → {_value(c.new, lang)}"
            for c in d.sections
        ]
    if d.steps_added or d.steps_removed or d.steps_changed:
        lines.append(f"\n## {w['steps']}")
        lines += [f"+ {w['added']}: {n}" for n in d.steps_added]
        lines += [f"- {w['removed']}: {n}" for n in d.steps_removed]
        for s in d.steps_changed:
            for c in s.changes:
                lines.append(
                    f"~ {s.name} · {label(c.field, lang)}: "
                    f"{_value(c.old, lang)} → {_value(c.new, lang)}"
                )
    if d.raci:
        lines.append(f"\n## {w['raci']}")
        lines += [
            f"~ {c.step} × {c.role}: {c.old or w['empty']} → {c.new or w['empty']}" for c in d.raci
        ]
    if d.control_points:
        lines.append(f"\n## {w['rules']}")
        for r in d.control_points:
            old = r.old_zh if lang == "zh" else r.old_en
            new = r.new_zh if lang == "zh" else r.new_en
            sign = {"added": "+", "removed": "-", "changed": "~"}[r.change]
            body = {"added": new, "removed": old, "changed": f"{old} → {new}"}[r.change]
            lines.append(f"{sign} {w[r.change]} {r.id}: {body}")
    if d.flowchart:
        lines.append(f"\n## {w['bpmn']}")
        for e in d.flowchart:
            sign = {"added": "+", "removed": "-", "changed": "~"}[e.change]
            detail = f" ({e.detail})" if e.detail else ""
            lines.append(f"{sign} {w[e.change]} {w[e.element]} {e.key}{detail}")
    return "\n".join(lines)
