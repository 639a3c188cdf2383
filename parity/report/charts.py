"""Charts as inline SVG, written by hand: verdicts per organisation and platform, parity over time, lag.

Why hand-written and not a chart library (Altair + vl-convert was the alternative): the
report must be one offline file that stays small and holds from a 375 px phone to a
1920 px screen. A Vega-Lite chart rendered to static SVG has a fixed pixel width, so it
either overflows a phone or is scaled until its 11 px labels become 5 px; and vl-convert
is a 100 MB binary dependency. These charts put horizontal positions in *percent* of the
chart's width and vertical ones in pixels, so the chart stretches with the page while
its text keeps its size. All three together add a few kilobytes per language.

Every chart is a ``<svg role="img">`` with a text alternative (``aria-label``); the same
figures are in the tables next to it, so no information is only in the picture. Colours
have at least 3:1 contrast against white (WCAG 1.4.11) except ``excluded``, which is not a
finding. Only numbers and escaped labels go into the markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from parity.report.localfmt import format_date, format_day, format_number, local_time

#: verdict → fill colour (also used by the badges' CSS)
COLOURS = {"match": "#1b7f3b", "partial": "#a35200", "late": "#0b5cad", "social_only": "#b3261e",
           "unverifiable": "#5f6368", "excluded": "#9aa0a6"}
#: line colours for organisations in the trend chart (cycled), dash patterns added after the first round
SERIES = ("#0b57d0", "#b3261e", "#1b7f3b", "#a35200", "#6a1b9a", "#00695c", "#5f6368", "#ad1457")
_LABEL, _BAR, _GAP = 18, 18, 12


def _svg(height: int, label: str, body: list[str]) -> Markup:
    return Markup(f'<svg class="chart" width="100%" height="{height}" role="img" aria-label="{escape(label)}" '
                  f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>')


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def verdict_bars(rows: Sequence[tuple[str, dict[str, int]]], kinds: Sequence[str], names: dict[str, str],
                 label: str) -> Markup:
    """One 100 % stacked bar per row (``(row label, counts)``), segments in ``kinds`` order; counts
    printed in segments that are wide enough."""
    body, y = [], 0
    for row_label, counts in rows:
        total = sum(counts.get(k, 0) for k in kinds)
        body.append(f'<text x="0" y="{y + 13}" class="t">{escape(row_label)} ({total})</text>')
        y += _LABEL
        x = 0.0
        for kind in kinds:
            n = counts.get(kind, 0)
            if not n or not total:
                continue
            width = 100 * n / total
            body.append(f'<rect x="{_pct(x)}" y="{y}" width="{_pct(width)}" height="{_BAR}" fill="{COLOURS[kind]}">'
                        f'<title>{escape(names.get(kind, kind))}: {n}</title></rect>')
            if width >= 7:
                body.append(f'<text x="{_pct(x + width / 2)}" y="{y + 13}" class="n">{n}</text>')
            x += width
        y += _BAR + _GAP
    return _svg(max(y, 1), label, body)


def bar_list(rows: Sequence[tuple[str, int]], label: str, colour: str = "#0b57d0") -> Markup:
    """Horizontal bars, one per ``(label, count)``, lengths relative to the largest count."""
    body, y = [], 0
    top = max((n for _, n in rows), default=0) or 1
    for row_label, n in rows:
        body.append(f'<text x="0" y="{y + 13}" class="t">{escape(row_label)}</text>')
        y += _LABEL
        width = 88 * n / top
        if n:
            body.append(f'<rect x="0" y="{y}" width="{_pct(width)}" height="{_BAR}" fill="{colour}"/>')
        body.append(f'<text x="{_pct(width + 1)}" y="{y + 13}" class="t">{n}</text>')
        y += _BAR + _GAP
    return _svg(max(y, 1), label, body)


#: lag bins (upper bounds in hours, exclusive) and their labels: (sv, en)
LAG_BINS: tuple[tuple[float, tuple[str, str]], ...] = (
    (0.0, ("webben först", "web first")), (6.0, ("0–6 timmar", "0–6 hours")),
    (24.0, ("6–24 timmar", "6–24 hours")), (72.0, ("1–3 dagar", "1–3 days")),
    (168.0, ("3–7 dagar", "3–7 days")), (float("inf"), ("mer än 7 dagar", "more than 7 days")),
)


def lag_bins(lags: Sequence[float], lang: str) -> list[tuple[str, int]]:
    """How many lags fall in each bin of :data:`LAG_BINS`, labelled in ``lang``."""
    counts = [0] * len(LAG_BINS)
    for lag in lags:
        counts[next(i for i, (upper, _) in enumerate(LAG_BINS) if lag < upper)] += 1
    return [(labels[0 if lang == "sv" else 1], counts[i]) for i, (_, labels) in enumerate(LAG_BINS)]


_LEFT, _RIGHT, _TOP, _PLOT = 11.0, 97.0, 10, 160


def trend_chart(series: Sequence[tuple[str, Sequence[tuple[str, float | None]]]], lang: str, label: str) -> Markup:
    """Parity (%) over time, one line per ``(name, [(ISO time, percent)])``; dated x axis, 0–100 % y axis."""
    moments = sorted({t for _, points in series for t, v in points if v is not None and local_time(t)})
    if len(moments) < 2:
        return Markup("")
    stamps = {t: local_time(t).timestamp() for t in moments}  # type: ignore[union-attr]
    first, last = min(stamps.values()), max(stamps.values())
    span = (last - first) or 1.0

    def x_of(t: str) -> float:
        return _LEFT + (_RIGHT - _LEFT) * (stamps[t] - first) / span

    def y_of(value: float) -> float:
        return _TOP + _PLOT * (1 - value / 100)

    body = []
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        body.append(f'<line x1="{_pct(_LEFT)}" x2="{_pct(_RIGHT)}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                    f'<text x="{_pct(_LEFT - 1.5)}" y="{y + 4:.1f}" class="t" text-anchor="end">'
                    f'{tick}{chr(160) + "%" if lang == "sv" else "%"}</text>')
    step = max(1, round(len(moments) / 6))
    hourly = span < 2 * 86400  # runs within two days: the clock tells them apart, the day does not
    for t in moments[::step]:
        clock = format_date(t, lang, short=True).split(" ", 3)[-1] if hourly else format_day(t, lang)
        body.append(f'<text x="{_pct(x_of(t))}" y="{_TOP + _PLOT + 18}" class="t" text-anchor="middle">'
                    f"{escape(format_day(t, lang) + ' ' + clock if hourly else clock)}</text>")
    legend_y = _TOP + _PLOT + 40
    for index, (name, points) in enumerate(series):
        colour = SERIES[index % len(SERIES)]
        dash = ' stroke-dasharray="6 3"' if index >= len(SERIES) else ""
        kept = [(t, v) for t, v in points if v is not None and t in stamps]
        for (t1, v1), (t2, v2) in zip(kept, kept[1:]):
            body.append(f'<line x1="{_pct(x_of(t1))}" y1="{y_of(v1):.1f}" x2="{_pct(x_of(t2))}" y2="{y_of(v2):.1f}" '
                        f'stroke="{colour}" stroke-width="2.5"{dash}/>')
        for t, v in kept:
            body.append(f'<circle cx="{_pct(x_of(t))}" cy="{y_of(v):.1f}" r="3.5" fill="{colour}">'
                        f'<title>{escape(name)}: {format_number(v, lang)} %</title></circle>')
        body.append(f'<line x1="0" x2="24" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="{colour}" '
                    f'stroke-width="3"{dash}/><text x="30" y="{legend_y}" class="t">{escape(name)}</text>')
        legend_y += 20
    return _svg(legend_y, label, body)


def trend_series(summary: dict[str, Any]) -> list[tuple[str, list[tuple[str, float | None]]]]:
    """``(organisation name, [(run time, parity %)])`` from summary.json's history plus this run."""
    runs = list((summary.get("history") or {}).get("runs") or [])
    now = summary.get("generated_at")
    out = []
    for org in summary.get("orgs") or []:
        points = [(run["started_at"], run["orgs"].get(org["id"])) for run in runs if run.get("started_at")]
        if now:
            points.append((now, org.get("parity_percent")))
        out.append((org.get("name") or org["id"], points))
    return out
