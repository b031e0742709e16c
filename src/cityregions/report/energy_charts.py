"""Inline SVG charts of the energy section: cost-supply curve and tornado.

Both are drawn once per language (the caller wraps them in ``t-de`` / ``t-en``
figures); numbers follow the report's conventions (:func:`~cityregions.report.svg.
fmt_number`, decimal comma in German via :func:`~cityregions.report.svg.svg_text`; the
tooltips of a chart via :func:`~cityregions.report.svg.localised_number` in its language).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape

import pandas as pd

from cityregions.geometry import PALETTE
from cityregions.i18n import unit_pair, value_label
from cityregions.report.svg import (
    GAP_RED,
    INK,
    MUTED,
    fmt_number,
    localised_number,
    svg_open,
    svg_text,
)

#: Axis texts per language.
AXES = {
    "cost": ("Kosten frei Anlage (€/MWh Brennstoff)", "Cost delivered (€/MWh of fuel)"),
    "fuel": ("Brennstoff, kumuliert (GWh/a)", "Fuel, cumulative (GWh/a)"),
    "potential": ("nachhaltiges Potenzial (GWh/a)", "Sustainable potential (GWh/a)"),
    "no_price": (
        "ohne Preis: nur Transport (Untergrenze)",
        "no price: transport only (lower bound)",
    ),
    "base": ("alle Standardwerte", "all defaults"),
    "low": ("unterer Wert", "low value"),
    "high": ("oberer Wert", "high value"),
}


def _text(key: str, lang: str) -> str:
    german, english = AXES[key]
    return german if lang == "de" else english


def _clip(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters at a word, with an ellipsis when cut."""
    if len(text) <= n:
        return text
    return text[: n - 1].rsplit(" ", 1)[0] + " …"


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values spanning [lo, hi]."""
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / n
    step = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * step:
            step *= factor
            break
    start = math.ceil(lo / step) * step
    return [start + k * step for k in range(int((hi - start) / step) + 1)]


def cost_supply_svg(curve: pd.DataFrame, lang: str, *, width: float = 720) -> str:
    """Return the cost-supply curve as steps: €/MWh of fuel against cumulative GWh/a.

    Each step is one flow of :attr:`~cityregions.energy.analysis.EnergyAnalysis.
    cost_supply`, coloured by feedstock; steps without a feedstock price are hatched.
    """
    if curve.empty:
        return ""
    left, right, top, bottom, height = 70.0, 170.0, 14.0, 46.0, 320.0
    plot_w, plot_h = width - left - right, height - top - bottom
    x_max = float(curve["cumulative_gwh"].max()) or 1.0
    y_lo = min(0.0, float(curve["cost_eur_per_mwh"].min()))
    y_hi = max(float(curve["cost_eur_per_mwh"].max()), 1.0)
    feedstocks = list(dict.fromkeys(curve["feedstock"]))
    colour = {f: PALETTE[k % len(PALETTE)] for k, f in enumerate(feedstocks)}

    def xy(gwh: float, cost: float) -> tuple[float, float]:
        x = left + gwh / x_max * plot_w
        y = top + (y_hi - cost) / (y_hi - y_lo) * plot_h
        return x, y

    out = [
        svg_open(width, height, label="cost-supply curve"),
        '<defs><pattern id="nohatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="3"/></pattern>'
        "</defs>",
    ]
    start = 0.0
    for _, row in curve.iterrows():
        x0, y = xy(start, float(row["cost_eur_per_mwh"]))
        x1, y0 = xy(float(row["cumulative_gwh"]), 0.0)
        fill = colour[row["feedstock"]] if bool(row["price_known"]) else "url(#nohatch)"
        y_top, h = min(y, y0), abs(y0 - y)
        name = value_label(row["feedstock"], lang)
        out.append(
            f'<rect x="{x0:.1f}" y="{y_top:.1f}" width="{max(x1 - x0, 0.4):.1f}" '
            f'height="{max(h, 0.6):.1f}" fill="{fill}" stroke="{colour[row["feedstock"]]}" '
            f'stroke-width="0.4"><title>{escape(name)}: '
            f"{localised_number(row['fuel_gwh'], lang)} GWh, "
            f"{localised_number(row['cost_eur_per_mwh'], lang)} €/MWh</title></rect>"
        )
        start = float(row["cumulative_gwh"])
    out.append(_axes(xy, x_max, y_lo, y_hi, lang, left, top, plot_w, plot_h))
    out.append(
        _legend(
            feedstocks,
            colour,
            lang,
            width - right + 12,
            top,
            hatched=not bool(curve["price_known"].all()),
        )
    )
    out.append("</svg>")
    return "".join(out)


def _axes(xy, x_max, y_lo, y_hi, lang, left, top, plot_w, plot_h) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for tick in _ticks(y_lo, y_hi):
        _, y = xy(0.0, tick)
        parts.append(
            f'<line x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="#e4e7eb" stroke-width="0.8"/>'
            + svg_text(
                f'x="{left - 6:.1f}" y="{y + 4:.1f}" font-size="11" '
                f'text-anchor="end" fill="{MUTED}"',
                fmt_number(tick),
            )
        )
    for tick in _ticks(0.0, x_max):
        x, _ = xy(tick, y_lo)
        parts.append(
            svg_text(
                f'x="{x:.1f}" y="{top + plot_h + 16:.1f}" font-size="11" '
                f'text-anchor="middle" fill="{MUTED}"',
                fmt_number(tick),
            )
        )
    _, zero = xy(0.0, 0.0)
    parts.append(
        f'<line x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{zero:.1f}" y2="{zero:.1f}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 36:.1f}" font-size="12" '
        f'text-anchor="middle" fill="{INK}">{escape(_text("fuel", lang))}</text>'
    )
    parts.append(
        f'<text transform="translate(16 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'font-size="12" text-anchor="middle" fill="{INK}">'
        f"{escape(_text('cost', lang))}</text>"
    )
    return "".join(parts)


def _legend(
    feedstocks: list[str],
    colour: Mapping[str, str],
    lang: str,
    x: float,
    y: float,
    *,
    hatched: bool,
) -> str:
    parts = []
    for k, feedstock in enumerate(feedstocks):
        yy = y + k * 17
        parts.append(
            f'<rect x="{x:.1f}" y="{yy:.1f}" width="11" height="11" '
            f'fill="{colour[feedstock]}"/><text x="{x + 16:.1f}" y="{yy + 9.5:.1f}" '
            f'font-size="11" fill="{INK}">{escape(value_label(feedstock, lang))}</text>'
        )
    if hatched:
        yy = y + len(feedstocks) * 17 + 6
        parts.append(
            f'<rect x="{x:.1f}" y="{yy:.1f}" width="11" height="11" '
            f'fill="url(#nohatch)" stroke="{MUTED}"/><text x="{x + 16:.1f}" '
            f'y="{yy + 9.5:.1f}" font-size="10" fill="{MUTED}">'
            f"{escape(_text('no_price', lang))}</text>"
        )
    return "".join(parts)


def tornado_svg(
    table: pd.DataFrame,
    base: float,
    descriptions: Mapping[str, str],
    lang: str,
    *,
    width: float = 720,
    bars: int = 12,
) -> str:
    """Return a tornado chart: for each coefficient the regional potential at its low and
    at its high value (GWh/a), the others at their defaults; largest swing on top.

    Parameters
    ----------
    table
        :func:`~cityregions.energy.uncertainty.tornado` (MWh/a).
    base
        Potential with every default (MWh/a): the vertical line.
    descriptions
        Text shown for each coefficient (its description).
    lang
        ``de`` or ``en`` (numbers and axis text).
    """
    rows = table.head(bars)
    if rows.empty:
        return ""
    bar_h, gap, left, right, top = 16.0, 7.0, 300.0, 30.0, 8.0
    height = top + len(rows) * (bar_h + gap) + 44
    values = [base, *rows["potential_low_mwh"], *rows["potential_high_mwh"]]
    lo, hi = min(values) / 1000, max(values) / 1000
    pad = (hi - lo) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    plot_w = width - left - right

    def x_of(gwh: float) -> float:
        return left + (gwh - lo) / (hi - lo) * plot_w

    out = [svg_open(width, height, label="tornado chart")]
    for k, (name, row) in enumerate(rows.iterrows()):
        y = top + k * (bar_h + gap)
        text = _clip(descriptions.get(str(name), str(name)).split(" (")[0], 46)
        out.append(
            f'<text x="{left - 8:.1f}" y="{y + bar_h * 0.75:.1f}" font-size="11" '
            f'text-anchor="end" fill="{INK}">{escape(text)}</text>'
        )
        for key, colour in (("potential_low_mwh", GAP_RED), ("potential_high_mwh", PALETTE[0])):
            value = float(row[key]) / 1000
            x0, x1 = sorted((x_of(base / 1000), x_of(value)))
            label = _text("low" if key.endswith("low_mwh") else "high", lang)
            bound = row["low"] if key.endswith("low_mwh") else row["high"]
            out.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 0.5):.1f}" '
                f'height="{bar_h}" fill="{colour}" opacity="0.85"><title>{escape(text)}, '
                f"{escape(label)} {localised_number(float(bound), lang)} "
                f"{escape(unit_pair(str(row['unit']))[0 if lang == 'de' else 1])}: "
                f"{localised_number(value, lang)} GWh/a</title></rect>"
            )
    x_base = x_of(base / 1000)
    bottom = top + len(rows) * (bar_h + gap)
    out.append(
        f'<line x1="{x_base:.1f}" x2="{x_base:.1f}" y1="{top - 4:.1f}" '
        f'y2="{bottom:.1f}" stroke="{INK}" stroke-width="1.2"/>'
    )
    out.append(
        svg_text(
            f'x="{x_base:.1f}" y="{bottom + 14:.1f}" font-size="11" '
            f'text-anchor="middle" fill="{INK}"',
            f"{fmt_number(base / 1000)} ({escape(_text('base', lang))})",
        )
    )
    out.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{bottom + 32:.1f}" font-size="12" '
        f'text-anchor="middle" fill="{INK}">{escape(_text("potential", lang))}</text>'
    )
    for k, (key, colour) in enumerate((("low", GAP_RED), ("high", PALETTE[0]))):
        x = 12 + k * 120
        out.append(
            f'<rect x="{x}" y="{bottom + 24:.1f}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{bottom + 33:.1f}" font-size="11" fill="{INK}">'
            f"{escape(_text(key, lang))}</text>"
        )
    out.append("</svg>")
    return "".join(out)
