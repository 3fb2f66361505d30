"""Chart geometry for server-rendered SVG (no CDN, no script, no style attribute: the CSP forbids them).
Templates draw <rect>/<polyline> from these numbers; colours come from classes in the app's CSS.

The drawing is never shown smaller than its box (app.css gives .chart a min-width of the box's width,
and the wrapper scrolls on a narrow screen), so text drawn at FONT_SIZE units reads at least that many
pixels. Each chart also says whether it has anything to show (`empty`), and carries the rows of the
visually hidden table that screen readers get instead of the picture."""

import math
from dataclasses import dataclass

FONT_SIZE = 12  # user units = pixels at the smallest the chart is drawn (≥ 11 px labels)
CHAR_WIDTH = 7.5  # rough advance of a Latin character at FONT_SIZE; CJK characters count twice


@dataclass(frozen=True)
class Box:
    width: int = 480
    height: int = 220
    left: int = 40
    right: int = 10
    top: int = 14
    bottom: int = 40

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def baseline(self) -> int:
        return self.height - self.bottom


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 4, 5, 10 × 10^k at or above `value`, so the axis reads in round steps."""
    if value <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 5, 10):
        if step * scale >= value - 1e-9:
            return float(step * scale)
    return float(10 * scale)


def _whole_steps(high: float) -> int:
    """How many steps split `high` (a nice ceiling) into whole numbers: counts never read 0.5 people."""
    return next(count for count in (4, 5, 2, 1) if high % count == 0)


def _ticks(high: float, box: Box, count: int = 4) -> list[dict]:
    return [
        {"y": round(box.baseline - box.plot_height * i / count, 1), "label": _fmt(high * i / count)}
        for i in range(count + 1)
    ]


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _text_width(text: str) -> float:
    return sum(CHAR_WIDTH * (2 if ord(ch) > 0x2E80 else 1) for ch in str(text))


def bar_chart(items: list[tuple[str, float]], *, box: Box | None = None, high: float | None = None) -> dict:
    """items: (label, value). One bar each, labels under the bars (slanted when they would overlap)."""
    box = box or Box()
    top = high or nice_ceiling(max([float(v) for _l, v in items] + [1]))
    slot = box.plot_width / max(1, len(items))
    slanted = any(_text_width(label) > slot * 0.95 for label, _v in items)
    bars = []
    for i, (label, value) in enumerate(items):
        h = 0 if not top else box.plot_height * float(value) / float(top)
        x = box.left + i * slot + slot * 0.15
        bars.append(
            {
                "x": round(x, 1),
                "y": round(box.baseline - h, 1),
                "width": round(slot * 0.7, 1),
                "height": round(h, 1),
                "label": label,
                "label_x": round(x + slot * 0.35, 1),
                "value": value,
                "value_y": round(box.baseline - h - 3, 1),
            }
        )
    whole = all(float(value) == int(value) for _l, value in items) and float(top) == int(top)
    ticks = _ticks(float(top), box, _whole_steps(top) if whole else 4)
    return {
        "box": box,
        "bars": bars,
        "ticks": ticks,
        "label_y": box.baseline + 16,
        "slanted": slanted,
        "empty": not any(float(value) for _l, value in items),
        "font_size": FONT_SIZE,
    }


def line_chart(labels: list[str], series: list[dict], *, box: Box | None = None, high: float | None = None) -> dict:
    """series: {"name", "css", "values": [float | None per label]}. Gaps where a value is None."""
    box = box or Box()
    values = [v for s in series for v in s["values"] if v is not None]
    top = high or nice_ceiling(max(values) if values else 1)
    step = box.plot_width / max(1, len(labels) - 1)
    drawn = []
    for s in series:
        points, segments, current = [], [], []
        for i, v in enumerate(s["values"]):
            if v is None:  # a month with nothing to measure breaks the line
                if current:
                    segments.append(current)
                current = []
                continue
            x, y = round(box.left + i * step, 1), round(box.baseline - box.plot_height * float(v) / top, 1)
            point = (x, y, v, labels[i])
            points.append(point)
            current.append(point)
        if current:
            segments.append(current)
        drawn.append(
            {
                "name": s["name"],
                "css": s.get("css", "series-1"),
                "segments": [" ".join(f"{x},{y}" for x, y, _v, _t in seg) for seg in segments],
                "dots": [{"x": x, "y": y, "value": v, "label": text} for x, y, v, text in points],
            }
        )
    whole = float(top) == int(top) and float(top) >= 1
    return {
        "box": box,
        "series": drawn,
        "ticks": _ticks(float(top), box, _whole_steps(top) if whole else 4),
        "labels": [{"x": round(box.left + i * step, 1), "text": t} for i, t in enumerate(labels)],
        "label_y": box.baseline + 16,
        # The hidden table: one row per label, one value (or None) per series.
        "rows": [{"label": t, "values": [s["values"][i] for s in series]} for i, t in enumerate(labels)],
        "empty": not values,
        "font_size": FONT_SIZE,
    }
