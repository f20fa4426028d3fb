"""A server-rendered SVG bar chart of the yearly tallies (no script, no library)."""

from __future__ import annotations

import math

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
COLORS = {"on_site": "#1f4e79", "dossier": "#9dc3e6"}


def nice_step(maximum: int, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` gridlines."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def bar_chart(years: list[dict]) -> dict:
    """Geometry of a stacked bar per year: on-site at the bottom, dossier on top."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max((row["inspected"] for row in years), default=0)
    step = nice_step(peak)
    top_value = max(step, math.ceil(peak / step) * step)
    scale = plot_h / top_value
    slot = plot_w / max(len(years), 1)
    bar_w = min(48.0, slot * 0.6)
    bars, labels = [], []
    for index, row in enumerate(years):
        x = LEFT + index * slot + (slot - bar_w) / 2
        base = TOP + plot_h
        for key in ("on_site", "dossier"):
            height = row[key] * scale
            if height:
                bars.append(
                    {
                        "x": round(x, 1),
                        "y": round(base - height, 1),
                        "w": round(bar_w, 1),
                        "h": round(height, 1),
                        "fill": COLORS[key],
                        "key": key,
                        "year": row["year"],
                        "value": row[key],
                    }
                )
            base -= height
        labels.append(
            {
                "x": round(x + bar_w / 2, 1),
                "year": row["year"],
                "total": row["inspected"],
                "total_y": round(base - 4, 1),
            }
        )
    gridlines = [
        {"value": value, "y": round(TOP + plot_h - value * scale, 1)}
        for value in range(0, top_value + 1, step)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "axis_y": TOP + plot_h,
        "label_y": HEIGHT - BOTTOM + 18,
        "bars": bars,
        "labels": labels,
        "gridlines": gridlines,
        "colors": COLORS,
    }
