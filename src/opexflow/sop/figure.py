"""The flowchart drawn from the BPMN model's automatic layout (:mod:`opexflow.models.layout`).

- :func:`flowchart_svg`: SVG text (HTML export), no dependency;
- :func:`flowchart_png`: PNG bytes (DOCX export) drawn with Pillow and a CJK
  font, or ``None`` when Pillow or a CJK font is not available — the DOCX then
  lists the flowchart step by step instead.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from opexflow.models.bpmn import Bounds, BpmnModel, Layout
from opexflow.models.layout import layout

if TYPE_CHECKING:
    from collections.abc import Iterator

CJK_FONTS: Final = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)
"""Fonts with Chinese glyphs, tried in order for the PNG flowchart."""

FONT_PX = 15
"""Text size in layout units (a task box is 100 x 80)."""
_LANE_FILL = ("#f4f7fb", "#fbf8f2")
_STROKE = "#333333"


def _diagram(model: BpmnModel) -> Layout:
    if model.diagram is not None and model.has_diagram():
        return model.diagram
    return layout(model)


def _extent(lay: Layout) -> tuple[float, float]:
    boxes = [*lay.shapes.values(), *lay.lanes.values()]
    if lay.pool is not None:
        boxes.append(lay.pool)
    xs = [b.x + b.width for b in boxes] + [x for pts in lay.edges.values() for x, _ in pts]
    ys = [b.y + b.height for b in boxes] + [y for pts in lay.edges.values() for _, y in pts]
    return max(xs, default=100.0) + 20, max(ys, default=100.0) + 20


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns (a CJK character counts two)."""
    lines, line, used = [], "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E7F else 1
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    return [*lines, line] if line else lines


def flowchart_svg(model: BpmnModel) -> str:
    """The flowchart as an SVG element (lanes, tasks, gateways, events, flows)."""
    lay = _diagram(model)
    width, height = _extent(lay)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-size="{FONT_PX}" font-family="sans-serif">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M0,0L10,5L0,10z" fill="#333"/></marker></defs>',
    ]
    for i, (lane, b) in enumerate(lay.lanes.items()):
        out.append(_rect(b, _LANE_FILL[i % 2]))
        cx, cy = b.x + 15, b.y + b.height / 2
        out.append(
            f'<text x="{cx:.0f}" y="{cy:.0f}" text-anchor="middle" '
            f'transform="rotate(-90 {cx:.0f} {cy:.0f})">{escape(lane)}</text>'
        )
    for flow in model.flows:
        pts = lay.edges.get(flow.id, [])
        if len(pts) >= 2:
            d = " ".join(f"{x:.0f},{y:.0f}" for x, y in pts)
            out.append(
                f'<polyline points="{d}" fill="none" stroke="{_STROKE}" marker-end="url(#arrow)"/>'
            )
            if flow.name:
                x, y = _label_at(pts)
                out.append(
                    f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="end" fill="#555">'
                    f"{escape(flow.name)}</text>"
                )
    for node in model.nodes:
        shape = lay.shapes.get(node.id)
        if shape is not None:
            out += list(_svg_node(node.kind, node.name, shape))
    out.append("</svg>")
    return "\n".join(out)


def _label_at(pts: list[tuple[float, float]]) -> tuple[float, float]:
    """Where a flow's name ends (right-aligned): just before its target, above the
    last segment — a gateway's branches share their first segments, not their last."""
    x, y = pts[-1]
    return x - 10, y - 5


def _rect(b: Bounds, fill: str, rx: float = 0) -> str:
    return (
        f'<rect x="{b.x:.0f}" y="{b.y:.0f}" width="{b.width:.0f}" height="{b.height:.0f}" '
        f'rx="{rx:.0f}" fill="{fill}" stroke="{_STROKE}"/>'
    )


def _svg_node(kind: str, name: str, b: Bounds) -> Iterator[str]:
    cx, cy = b.center
    if kind == "task":
        yield _rect(b, "#ffffff", rx=8)
        lines = _wrap(name, 10)
        step = FONT_PX + 3
        top = cy - (len(lines) - 1) * step / 2
        for i, line in enumerate(lines):
            y = top + i * step + FONT_PX / 3
            yield f'<text x="{cx:.0f}" y="{y:.0f}" text-anchor="middle">{escape(line)}</text>'
        return
    if kind.endswith("Gateway"):
        pts = f"{cx:.0f},{b.y:.0f} {b.x + b.width:.0f},{cy:.0f} {cx:.0f},{b.y + b.height:.0f} {b.x:.0f},{cy:.0f}"
        yield f'<polygon points="{pts}" fill="#fffbe6" stroke="{_STROKE}"/>'
        mark = "+" if kind == "parallelGateway" else "×"
        yield f'<text x="{cx:.0f}" y="{cy + 6:.0f}" text-anchor="middle" font-size="18">{mark}</text>'
    else:
        width = 3 if kind == "endEvent" else 1
        yield f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{b.width / 2:.0f}" fill="#ffffff" stroke="{_STROKE}" stroke-width="{width}"/>'
    if name:
        yield f'<text x="{cx:.0f}" y="{b.y + b.height + 14:.0f}" text-anchor="middle">{escape(name)}</text>'


def find_cjk_font() -> str | None:
    """The first font of :data:`CJK_FONTS` that exists, or ``None``."""
    return next((p for p in CJK_FONTS if Path(p).is_file()), None)


def flowchart_png(model: BpmnModel, *, scale: float = 2.0) -> bytes | None:
    """The flowchart as PNG bytes, or ``None`` without Pillow or a CJK font."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        return None
    path = find_cjk_font()
    if path is None:
        return None
    font = _font(ImageFont, path, int(FONT_PX * scale))
    lay = _diagram(model)
    width, height = _extent(lay)
    img = Image.new("RGB", (int(width * scale), int(height * scale)), "white")
    draw = ImageDraw.Draw(img)

    def s(b: Bounds) -> tuple[float, float, float, float]:
        return (b.x * scale, b.y * scale, (b.x + b.width) * scale, (b.y + b.height) * scale)

    for i, (lane, b) in enumerate(lay.lanes.items()):
        draw.rectangle(s(b), fill=_LANE_FILL[i % 2], outline=_STROKE, width=2)
        _lane_label(img, lane, b, font, scale)
    for flow in model.flows:
        _png_flow(draw, lay.edges.get(flow.id, []), flow.name, font, scale)
    for node in model.nodes:
        shape = lay.shapes.get(node.id)
        if shape is not None:
            _png_node(draw, node.kind, node.name, shape, font, scale)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _font(image_font: Any, path: str, size: int) -> Any:
    # A .ttc holds several faces (JP, KR, SC, TC...): prefer Simplified Chinese.
    for index in range(6):
        try:
            face = image_font.truetype(path, size, index=index)
        except OSError:
            break
        if "SC" in " ".join(face.getname()):
            return face
    return image_font.truetype(path, size)


def _lane_label(img: Any, lane: str, b: Bounds, font: Any, scale: float) -> None:
    from PIL import Image, ImageDraw

    w = int(b.height * scale)
    h = int(30 * scale)
    band = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(band).text((w / 2, h / 2), lane, fill="black", font=font, anchor="mm")
    rotated = band.rotate(90, expand=True)
    img.paste(rotated, (int(b.x * scale), int(b.y * scale)), rotated)


def _png_flow(
    draw: Any, pts: list[tuple[float, float]], name: str, font: Any, scale: float
) -> None:
    if len(pts) < 2:
        return
    scaled = [(x * scale, y * scale) for x, y in pts]
    draw.line(scaled, fill=_STROKE, width=2)
    (x0, y0), (x1, y1) = scaled[-2], scaled[-1]
    size = 6 * scale
    if abs(x1 - x0) >= abs(y1 - y0):
        d = 1 if x1 >= x0 else -1
        head = [(x1, y1), (x1 - d * size, y1 - size / 2), (x1 - d * size, y1 + size / 2)]
    else:
        d = 1 if y1 >= y0 else -1
        head = [(x1, y1), (x1 - size / 2, y1 - d * size), (x1 + size / 2, y1 - d * size)]
    draw.polygon(head, fill=_STROKE)
    if name:
        x, y = _label_at(pts)
        at = (x * scale, y * scale)
        box = draw.textbbox(at, name, font=font, anchor="rd")
        draw.rectangle(box, fill="white")
        draw.text(at, name, fill="#555555", font=font, anchor="rd")


def _png_node(draw: Any, kind: str, name: str, b: Bounds, font: Any, scale: float) -> None:
    box = (b.x * scale, b.y * scale, (b.x + b.width) * scale, (b.y + b.height) * scale)
    cx, cy = b.center[0] * scale, b.center[1] * scale
    if kind == "task":
        draw.rounded_rectangle(box, radius=8 * scale, fill="white", outline=_STROKE, width=2)
        lines = _wrap(name, 10)
        step = (FONT_PX + 3) * scale
        top = cy - (len(lines) - 1) * step / 2
        for i, line in enumerate(lines):
            draw.text((cx, top + i * step), line, fill="black", font=font, anchor="mm")
        return
    if kind.endswith("Gateway"):
        diamond = [(cx, box[1]), (box[2], cy), (cx, box[3]), (box[0], cy)]
        draw.polygon(diamond, fill="#fffbe6", outline=_STROKE, width=2)
        mark = "+" if kind == "parallelGateway" else "×"
        draw.text((cx, cy), mark, fill="black", font=font, anchor="mm")
    else:
        width = int((3 if kind == "endEvent" else 1) * scale)
        draw.ellipse(box, fill="white", outline=_STROKE, width=width)
    if name:
        draw.text((cx, box[3] + 4 * scale), name, fill="black", font=font, anchor="ma")
