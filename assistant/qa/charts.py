"""Charts drawn on the server as inline SVG: horizontal bars and weekly lines, each with
a title and a description that reads out every value (for screen readers), in colours
that keep 4.5:1 contrast on white. Nothing to download, nothing run in the browser."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

INK = "#1d1d1b"
BAR = "#1d4f91"
LINES = ("#1d4f91", "#b3261e", "#0b6e4f", "#6b3fa0", "#8a4b08", "#005f73", "#5c5c5c", "#a4005b")
FONT = "font-family='system-ui, sans-serif' font-size='12'"


def _number(value: float, unit: str) -> str:
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}{unit}"


def _opening(chart_id: str, title: str, desc: str, width: float, height: float) -> list[str]:
    """The <svg> element, named by its title and read out by its description."""
    name = escape(chart_id)
    return [
        f"<svg id='{name}' class='chart' role='img' viewBox='0 0 {width} {height}' width='100%' "
        f"aria-labelledby='{name}-t {name}-d' {FONT}>",
        f"<title id='{name}-t'>{escape(title)}</title><desc id='{name}-d'>{escape(desc)}</desc>",
        f"<text x='0' y='16' fill='{INK}' font-weight='bold'>{escape(title)}</text>",
    ]


def bar_chart(
    chart_id: str, title: str, bars: Sequence[tuple[str, float]], *, unit: str = "", top: float | None = None
) -> Markup:
    """One horizontal bar per (label, value); `top` fixes the scale (100 for percentages)."""
    label_width, bar_width, row = 210, 300, 22
    height = 30 + row * max(len(bars), 1)
    scale = top or max((value for _, value in bars), default=0) or 1
    desc = "; ".join(f"{label}: {_number(value, unit)}" for label, value in bars) or "no data"
    parts = _opening(chart_id, title, desc, label_width + bar_width + 70, height)
    for index, (label, value) in enumerate(bars):
        y = 28 + index * row
        width = max(bar_width * value / scale, 0)
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f"<text x='{label_width - 6}' y='{y + 13}' text-anchor='end' fill='{INK}'>{escape(short)}</text>"
            f"<rect x='{label_width}' y='{y}' width='{width:.1f}' height='{row - 6}' fill='{BAR}'/>"
            f"<text x='{label_width + width + 4:.1f}' y='{y + 13}' fill='{INK}'>{escape(_number(value, unit))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    unit: str = "",
    top: float | None = None,
) -> Markup:
    """One line per series over `labels` (weeks); a None is a gap. A legend names each line."""
    left, width, plot_height, top_pad = 44, 480, 160, 28
    legend_rows = len(series)
    height = top_pad + plot_height + 40 + 18 * legend_rows
    values = [v for points in series.values() for v in points if v is not None]
    scale = top or max(values, default=0) or 1
    step = width / max(len(labels) - 1, 1)
    desc = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{label} {'none' if v is None else _number(v, unit)}" for label, v in zip(labels, points, strict=False)
        )
        for name, points in series.items()
    )
    parts = _opening(chart_id, title, desc, left + width + 60, height) + [
        f"<line x1='{left}' y1='{top_pad + plot_height}' x2='{left + width}' y2='{top_pad + plot_height}' "
        f"stroke='{INK}'/>",
        f"<text x='{left - 4}' y='{top_pad + 4}' text-anchor='end' fill='{INK}'>{escape(_number(scale, unit))}</text>",
        f"<text x='{left - 4}' y='{top_pad + plot_height}' text-anchor='end' fill='{INK}'>0</text>",
    ]
    for index, label in enumerate(labels):
        if len(labels) <= 8 or index % max(len(labels) // 8, 1) == 0:
            x = left + index * step
            parts.append(
                f"<text x='{x:.1f}' y='{top_pad + plot_height + 16}' text-anchor='middle' fill='{INK}'>"
                f"{escape(label)}</text>"
            )
    for number, (name, points) in enumerate(series.items()):
        colour = LINES[number % len(LINES)]
        coords = [
            (left + i * step, top_pad + plot_height * (1 - v / scale)) for i, v in enumerate(points) if v is not None
        ]
        if coords:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'/>")
            parts.extend(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{colour}'/>" for x, y in coords)
        y = top_pad + plot_height + 36 + 18 * number
        parts.append(
            f"<rect x='{left}' y='{y - 9}' width='12' height='12' fill='{colour}'/>"
            f"<text x='{left + 18}' y='{y + 1}' fill='{INK}'>{escape(name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
