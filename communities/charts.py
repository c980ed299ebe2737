"""Charts drawn on the server as SVG, each with the table it was drawn from.

No JavaScript and no inline style (a strict Content-Security-Policy applies): the geometry is
computed here and written as SVG attributes; colours come from classes in site.css. The same
rows feed the SVG, the table alternative and the CSV download, so they never disagree.
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 30


@dataclass(frozen=True)
class Series:
    name: str
    values: list
    css: str  # chart__bar--<css>


@dataclass
class Chart:
    key: str
    title: str
    label_header: str
    labels: list
    series: list
    stacked: bool = False
    note: str = ""
    bars: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    xlabels: list = field(default_factory=list)

    width = WIDTH
    height = HEIGHT

    @property
    def columns(self):
        return [self.label_header] + [s.name for s in self.series]

    @property
    def rows(self):
        return [[label] + [s.values[i] for s in self.series] for i, label in enumerate(self.labels)]

    @property
    def is_empty(self):
        return not any(v for s in self.series for v in s.values)

    @property
    def baseline(self):
        return HEIGHT - BOTTOM

    @property
    def plot_left(self):
        return LEFT

    @property
    def plot_right(self):
        return WIDTH - RIGHT


def _nice_ceiling(value):
    """The smallest 1, 2 or 5 times a power of ten at or above value (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def _num(value):
    """An SVG coordinate as text: the template prints it as is, without localising a float
    (which was a third of the dashboard's rendering time) or writing a decimal comma."""
    return f"{round(value, 1):g}"


def _fmt(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(key, title, label_header, labels, series, *, stacked=False, note="", label_fmt=str):
    """Lay out a grouped (or stacked) bar chart; `labels` name the groups along the x axis."""
    chart = Chart(key, title, label_header, [label_fmt(x) for x in labels], list(series), stacked, note)
    n = len(labels)
    if n == 0:
        return chart
    if stacked:
        peak = max((sum(s.values[i] or 0 for s in series) for i in range(n)), default=0)
    else:
        peak = max((v or 0 for s in series for v in s.values), default=0)
    top = _nice_ceiling(peak)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    group_w = plot_w / n
    inner = group_w * 0.8
    per_bar = inner if stacked else inner / max(len(series), 1)

    def y_of(value):
        return TOP + plot_h - plot_h * value / top

    for i, label in enumerate(chart.labels):
        x0 = LEFT + group_w * i + group_w * 0.1
        base = 0
        for j, s in enumerate(series):
            value = s.values[i] or 0
            if stacked:
                y_top, y_bottom, x = y_of(base + value), y_of(base), x0
                base += value
            else:
                y_top, y_bottom, x = y_of(value), y_of(0), x0 + per_bar * j
            chart.bars.append(
                {
                    "x": _num(x),
                    "y": _num(y_top),
                    "w": _num(max(per_bar - 1, 1)),
                    "h": _num(y_bottom - y_top),
                    "css": s.css,
                    "title": f"{label}: {s.name} {_fmt(s.values[i])}",
                }
            )
    for fraction in (0, 0.5, 1):
        value = top * fraction
        chart.ticks.append({"y": _num(y_of(value)), "label": _fmt(value if value % 1 else int(value))})
    every = max(1, math.ceil(n / 8))
    for i, label in enumerate(chart.labels):
        if i % every == 0:
            chart.xlabels.append({"x": _num(LEFT + group_w * (i + 0.5)), "label": label})
    return chart
