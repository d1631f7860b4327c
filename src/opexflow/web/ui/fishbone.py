"""The fishbone (Ishikawa) diagram of a problem, laid out for an SVG template.

The head (the problem) sits on the right of a horizontal spine; the five
bones 人 机 料 法 环 slant into it, three above and two below, each with its
causes as short horizontal ribs. Root causes are marked.
"""

from __future__ import annotations

from dataclasses import dataclass

from opexflow.workspace.problems import CauseCategory, FishboneCause

WIDTH = 1240
SPINE_Y = 260
HEAD_X = 1000
BONE_DX = 150  # how far a bone leans from its tip to the spine
BONE_DY = 200
RIB = 22
SPACING = 300  # between parallel bones: room for a rib's text
TOP = (CauseCategory.man, CauseCategory.machine, CauseCategory.material)
BOTTOM = (CauseCategory.method, CauseCategory.environment)


@dataclass(frozen=True)
class Rib:
    x: float
    y: float
    text: str
    is_root: bool


@dataclass(frozen=True)
class Bone:
    category: CauseCategory
    x1: float  # tip (label end)
    y1: float
    x2: float  # where it meets the spine
    y2: float
    ribs: list[Rib]


def layout(causes: list[FishboneCause]) -> list[Bone]:
    """Bones with their ribs; at most eight ribs fit on a bone, the rest are summarized."""
    by_category: dict[CauseCategory, list[FishboneCause]] = {c: [] for c in CauseCategory}
    for cause in causes:
        by_category[cause.category].append(cause)
    bones = []
    for row, categories in ((-1, TOP), (1, BOTTOM)):
        for i, category in enumerate(categories):
            x2 = HEAD_X - 40 - i * SPACING - (SPACING // 2 if row == 1 else 0)
            tip_x, tip_y = x2 - BONE_DX, SPINE_Y + row * BONE_DY
            items = by_category[category]
            shown = items[:8]
            ribs = []
            for k, cause in enumerate(shown, start=1):
                share = k / (len(shown) + 1)
                ribs.append(
                    Rib(
                        x=tip_x + (x2 - tip_x) * share,
                        y=tip_y + (SPINE_Y - tip_y) * share,
                        text=_short(cause.text),
                        is_root=cause.is_root,
                    )
                )
            if len(items) > len(shown):
                ribs.append(
                    Rib(
                        x=tip_x,
                        y=tip_y - row * 18,
                        text=f"+{len(items) - len(shown)}",
                        is_root=False,
                    )
                )
            bones.append(Bone(category, tip_x, tip_y, x2, SPINE_Y, ribs))
    return bones


def _short(text: str, limit: int = 15) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
