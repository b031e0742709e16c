"""Inline SVG drawing for the report: a projected map, bar charts and a network picture.

Everything is plain SVG text generated in Python (no JavaScript, prints well, no request).
Coordinates are projected to the equal-area ETRS89-LAEA grid (EPSG:3035) and scaled into
the picture, so distances and the scale bar are true to within the projection's error.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

from cityregions.geometry import PALETTE
from cityregions.i18n import german_number

logger = logging.getLogger(__name__)

INK = "#1f2933"
MUTED = "#7b8794"
GAP_RED = "#c0392b"


@dataclass(frozen=True)
class Frame:
    """A map frame: projected bounds fitted into a picture of ``width`` × ``height``.

    Parameters
    ----------
    xmin, ymin, xmax, ymax
        Bounds in projected metres.
    width, height
        Picture size in SVG user units.
    pad
        Margin in user units.
    """

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    width: float
    height: float
    pad: float = 24.0

    @property
    def scale(self) -> float:
        """User units per metre."""
        span_x = max(self.xmax - self.xmin, 1.0)
        span_y = max(self.ymax - self.ymin, 1.0)
        return min((self.width - 2 * self.pad) / span_x, (self.height - 2 * self.pad) / span_y)

    def xy(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Return picture coordinates of projected points (y grows downwards)."""
        s = self.scale
        off_x = (self.width - (self.xmax - self.xmin) * s) / 2
        off_y = (self.height - (self.ymax - self.ymin) * s) / 2
        px = off_x + (np.asarray(x, dtype=float) - self.xmin) * s
        py = self.height - off_y - (np.asarray(y, dtype=float) - self.ymin) * s
        return px, py


def fit_frame(x: np.ndarray, y: np.ndarray, *, width: float = 880, margin: float = 0.08) -> Frame:
    """Return a frame around projected points with a relative ``margin``."""
    xmin, xmax = float(np.nanmin(x)), float(np.nanmax(x))
    ymin, ymax = float(np.nanmin(y)), float(np.nanmax(y))
    dx, dy = max(xmax - xmin, 1e3), max(ymax - ymin, 1e3)
    xmin, xmax = xmin - margin * dx, xmax + margin * dx
    ymin, ymax = ymin - margin * dy, ymax + margin * dy
    height = min(max(width * (ymax - ymin) / (xmax - xmin), 360.0), 760.0)
    return Frame(xmin, ymin, xmax, ymax, width, height)


def path_of(geometry: Any, frame: Frame) -> str:
    """Return SVG path data of a projected (Multi)Polygon or LineString."""
    parts: list[str] = []
    geoms = getattr(geometry, "geoms", [geometry])
    for geom in geoms:
        rings = [geom.exterior, *geom.interiors] if hasattr(geom, "exterior") else [geom]
        for ring in rings:
            coords = np.asarray(ring.coords)
            if len(coords) < 2:
                continue
            px, py = frame.xy(coords[:, 0], coords[:, 1])
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
            parts.append(f"M{points}{'Z' if hasattr(geom, 'exterior') else ''}")
    return " ".join(parts)


def scale_bar(frame: Frame) -> str:
    """Return an SVG scale bar of a round length in km at the lower left."""
    target_m = (frame.width / 5) / frame.scale
    nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]
    km = max([n for n in nice if n * 1000 <= target_m] or [1])
    length = km * 1000 * frame.scale
    x0, y0 = 16.0, frame.height - 14.0
    return (
        f'<g class="scalebar" font-size="11" fill="{INK}">'
        f'<rect x="{x0}" y="{y0 - 4}" width="{length:.1f}" height="4" fill="{INK}"/>'
        f'<rect x="{x0 + length / 2:.1f}" y="{y0 - 4}" width="{length / 2:.1f}" height="4" '
        f'fill="#fff" stroke="{INK}" stroke-width="0.8"/>'
        f'<text x="{x0}" y="{y0 - 8}">0</text>'
        f'<text x="{x0 + length:.1f}" y="{y0 - 8}" text-anchor="middle">{km} km</text></g>'
    )


def svg_open(width: float, height: float, *, label: str, css_class: str = "chart") -> str:
    """Return the opening tag of an accessible inline SVG picture."""
    return (
        f'<svg class="{css_class}" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" style="max-width:100%;height:auto" '
        'preserveAspectRatio="xMidYMid meet">'
    )


def fmt_number(value: float) -> str:
    """Format a number compactly with thousands separators (e.g. ``12 345``, ``0.42``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    magnitude = abs(value)
    if magnitude >= 100 or abs(value - round(value)) < 1e-9:
        return f"{value:,.0f}".replace(",", "\u202f")
    if magnitude >= 1:
        return f"{value:,.1f}".replace(",", "\u202f")
    return f"{value:.3g}"


def localised_number(value: float, lang: str) -> str:
    """Return :func:`fmt_number` of ``value`` as a reader of ``lang`` reads it.

    German gets the decimal comma and the minus sign U+2212, as in the tables
    (:func:`~cityregions.i18n.german_number`); English is :func:`fmt_number` itself.
    """
    text = fmt_number(value)
    return german_number(text) if lang == "de" else text


#: A part of a tooltip: text (escaped as is), a number (formatted per language, see
#: :func:`localised_number`) or a ``(German, English)`` pair of texts.
TitlePart = str | int | float | np.integer | np.floating | tuple[str, str]


def svg_title(*parts: TitlePart) -> str:
    """Return an SVG ``<title>`` (a tooltip) whose numbers read in the reader's language.

    A tooltip cannot hold the report's ``t-de`` / ``t-en`` spans, so a title whose
    German differs from its English carries both as ``data-de`` / ``data-en``; its text
    is the English one until :func:`titles_in` (the report builder) or the report's
    script sets the chosen language. Texts are escaped; numbers are formatted by
    :func:`localised_number`, so ``0.232`` reads ``0,232`` in German.

    Examples
    --------
    >>> svg_title("Leipzig: ", 0.232, " GWh")
    '<title data-de="Leipzig: 0,232 GWh" data-en="Leipzig: 0.232 GWh">Leipzig: 0.232 GWh</title>'
    >>> svg_title(("Jahr", "Year"))
    '<title data-de="Jahr" data-en="Year">Year</title>'
    >>> svg_title("Halle (Saale)")
    '<title>Halle (Saale)</title>'
    """
    german = "".join(_title_part(part, "de") for part in parts)
    english = "".join(_title_part(part, "en") for part in parts)
    if german == english:
        return f"<title>{english}</title>"
    return f'<title data-de="{german}" data-en="{english}">{english}</title>'


def _title_part(part: TitlePart, lang: str) -> str:
    if isinstance(part, tuple):
        return escape(part[0] if lang == "de" else part[1])
    if isinstance(part, str):
        return escape(part)
    return escape(localised_number(float(part), lang))


_TWO_LANGUAGE_TITLE = re.compile(r'<title data-de="([^"]*)" data-en="([^"]*)">[^<]*</title>')


def titles_in(html: str, lang: str) -> str:
    """Return ``html`` with the text of every two-language tooltip in ``lang``.

    The report shows the tooltips of :func:`svg_title` in the language it opens in,
    also without its script; the script switches them with the language.
    """
    group = 1 if lang == "de" else 2

    def chosen(match: re.Match[str]) -> str:
        german, english = match.group(1), match.group(2)
        return f'<title data-de="{german}" data-en="{english}">{match.group(group)}</title>'

    return _TWO_LANGUAGE_TITLE.sub(chosen, html)


def bar_chart(
    values: Mapping[str, float],
    *,
    label: str,
    unit: str = "",
    width: float = 640,
    colours: Mapping[str, str] | None = None,
    max_bars: int = 30,
    positive: str = PALETTE[0],
) -> str:
    """Return a horizontal bar chart of ``values`` (negative values extend to the left).

    Parameters
    ----------
    values
        Bar label -> value, drawn in the given order (at most ``max_bars``).
    label
        Accessible description of the chart.
    unit
        Unit appended to the value labels.
    width
        Picture width in user units.
    colours
        Optional colour per bar label; default: the first palette colour, negatives red.
    max_bars
        Bars beyond this number are left out.
    positive
        Colour of positive bars without an explicit colour (negative ones are red).
    """
    items = [(str(k), float(v)) for k, v in list(values.items())[:max_bars] if _finite(v)]
    if not items:
        return ""
    bar_h, gap, left, right = 18.0, 6.0, 190.0, 90.0
    height = len(items) * (bar_h + gap) + gap + 4
    lo = min(0.0, *(v for _, v in items))
    hi = max(0.0, *(v for _, v in items))
    span = (hi - lo) or 1.0
    plot_w = width - left - right
    zero = left + (0 - lo) / span * plot_w
    out = [svg_open(width, height, label=label)]
    for i, (name, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        x0 = zero if value >= 0 else zero + value / span * plot_w
        w = abs(value) / span * plot_w
        fill = (colours or {}).get(name) or (GAP_RED if value < 0 else positive)
        out.append(
            f'<text x="{left - 8}" y="{y + bar_h * 0.72:.1f}" text-anchor="end" '
            f'font-size="11.5" fill="{INK}">{escape(_clip(name, 28))}</text>'
            f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{bar_h}" '
            f'fill="{fill}" rx="2">{svg_title(name, ": ", value, f" {unit}".rstrip())}</rect>'
            + _value_label(value, x0, w, y + bar_h * 0.72, unit)
        )
    out.append(
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="2" y2="{height - 2:.1f}" '
        f'stroke="{MUTED}" stroke-width="1"/></svg>'
    )
    return "".join(out)


def network_picture(
    nodes: Sequence[Mapping[str, Any]],
    edges: Iterable[tuple[str, str, float]],
    *,
    label: str,
    width: float = 880,
    height: float = 560,
) -> str:
    """Return an SVG node-link picture.

    Parameters
    ----------
    nodes
        Dicts with ``id``, ``x`` and ``y`` in [0, 1], ``label``, ``colour``, ``size``
        (radius in user units) and ``show_label``.
    edges
        ``(source id, target id, weight)``; width grows with the weight.
    label
        Accessible description.
    width, height
        Picture size.
    """
    pad = 40.0
    pos = {
        str(n["id"]): (
            pad + float(n["x"]) * (width - 2 * pad),
            pad + float(n["y"]) * (height - 2 * pad),
        )
        for n in nodes
    }
    out = [svg_open(width, height, label=label, css_class="network")]
    out.append('<g class="edges" stroke="#9aa5b1" stroke-opacity="0.55">')
    for source, target, weight in edges:
        if source in pos and target in pos:
            (x1, y1), (x2, y2) = pos[source], pos[target]
            out.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke-width="{0.6 + min(float(weight), 5.0) * 0.4:.2f}"/>'
            )
    out.append('</g><g class="nodes">')
    for node in nodes:
        x, y = pos[str(node["id"])]
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{float(node.get("size", 5)):.1f}" '
            f'fill="{node.get("colour", PALETTE[0])}" stroke="#fff" stroke-width="1">'
            f"<title>{escape(str(node.get('title', node.get('label', node['id']))))}</title>"
            "</circle>"
        )
    wanted = sorted(
        (n for n in nodes if n.get("show_label")), key=lambda n: -float(n.get("size", 5))
    )
    candidates = []
    for node in wanted:
        x, y = pos[str(node["id"])]
        text = _clip(str(node.get("label", node["id"])), 28)
        half = 0.3 * 10.5 * len(text) + 2  # centred: keep the whole label inside the picture
        x = min(max(x, half), width - half)
        candidates.append((x, y - float(node.get("size", 5)) - 3, text))
    for x, y, text in place_labels(candidates, font_size=10.5):
        out.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="10.5" '
            f'fill="{INK}" class="halo">{escape(text)}</text>'
        )
    out.append("</g></svg>")
    return "".join(out)


def place_labels(
    candidates: Sequence[tuple[float, float, str]],
    *,
    font_size: float = 11.0,
    blocked: Sequence[tuple[float, float, float, float]] = (),
) -> list[tuple[float, float, str]]:
    """Return the labels that do not overlap a label placed before them (greedy).

    Parameters
    ----------
    candidates
        ``(x, baseline y, text)`` centred labels in order of importance; a label with a
        coordinate that is not finite is left out.
    font_size
        Font size; a character is taken as 0.6 em wide.
    blocked
        Boxes ``(x0, y0, x1, y1)`` that no label may overlap (e.g. region keys).
    """
    placed: list[tuple[float, float, float, float]] = list(blocked)
    kept = []
    for x, y, text in candidates:
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        half = 0.3 * font_size * len(text)
        box = (x - half - 2, y - font_size, x + half + 2, y + 3)
        if any(
            not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in placed
        ):
            continue
        placed.append(box)
        kept.append((x, y, text))
    return kept


def _value_label(value: float, x0: float, w: float, baseline: float, unit: str) -> str:
    """Return the value label of a bar: outside right of positive bars; inside negative ones."""
    text = f"{fmt_number(value)}{(' ' + escape(unit)) if unit else ''}"
    if value >= 0:
        x, anchor, fill = x0 + w + 5, "start", MUTED
    elif w >= 7 * len(text) + 10:
        x, anchor, fill = x0 + 5, "start", "#fff"
    else:
        x, anchor, fill = x0 + w + 5, "start", MUTED  # right of the zero line
    attributes = (
        f'x="{x:.1f}" y="{baseline:.1f}" font-size="11" fill="{fill}" text-anchor="{anchor}"'
    )
    return svg_text(attributes, text)


def svg_text(attributes: str, text: str) -> str:
    """Return an SVG ``<text>`` with a number in the reader's language.

    A decimal point becomes a decimal comma and a negative number's hyphen the minus
    sign U+2212 in German, as in the tables (:func:`~cityregions.i18n.german_number`):
    the text is written twice, as ``class="t-de"`` and ``class="t-en"``, and the
    report's stylesheet shows the one of the chosen language (SVG text elements obey
    ``display``).
    """
    german = german_number(text)
    if german == text:
        return f"<text {attributes}>{text}</text>"
    return (
        f'<text class="t-de" {attributes}>{german}</text>'
        f'<text class="t-en" {attributes}>{text}</text>'
    )


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
