"""library.bib -> `timeline.svg`: papers per year per top-level section, and the preprint share (pure).

The counts (`timeline_data`) are plain data; `render_timeline` lays them out as SVG with
`svg.el`. Rules:

- the papers are the README's listed papers (`papers.paper_records`), each counted once: in
  the first of its top-level sections in pathbib.toml order (a section id unknown to
  pathbib.toml counts as "Other papers"), in its publication year (`date`, else `year`);
  undated papers are not drawn and are counted in the description;
- every year between the first and the last is on the axis, so gaps show;
- the lower strip splits each year's papers into peer-reviewed (journal, conference, workshop,
  book) and preprint (the README's preprint rule), plus "venue unknown" when a paper has no
  venue at all.

Readable on GitHub's light and dark themes: transparent background, Okabe-Ito colours (legible
on white and on #0d1117), grey text that a `prefers-color-scheme: dark` rule lightens.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings
from ..model import Library
from .papers import OTHER_SECTION, PaperRecord, paper_records
from .svg import el, esc, num

__all__ = ["TimelineData", "timeline_data", "render_timeline", "export_timeline", "PALETTE"]

#: Okabe-Ito colour-blind-safe palette (yellow left out: too pale on white)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
SHARE_COLOURS = {"peer-reviewed": "#0072B2", "preprint": "#E69F00", "venue unknown": "#999999"}
_FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif"
_STYLE = (
    ".pbt-fg{fill:#6e7781}.pbt-grid{stroke:#8c959f;stroke-opacity:.35}"
    "@media (prefers-color-scheme: dark){.pbt-fg{fill:#adbac7}}"
)
_W = 760
_LEFT, _RIGHT = 44, 16
_PLOT_H = 180
_SHARE_H = 36
_CHAR_W = 6.6  # rough width of one 12px character, for laying out the legend


@dataclass(frozen=True)
class TimelineData:
    years: tuple[int, ...]  # every year from the first to the last dated paper
    sections: tuple[str, ...]  # top-level section titles that have at least one dated paper
    counts: tuple[tuple[int, ...], ...]  # counts[section][year index]
    shares: tuple[tuple[str, tuple[int, ...]], ...]  # (kind, per-year counts)
    undated: int
    total: int


def _top_section(rec: PaperRecord, order: dict[str, int], titles: dict[str, str]) -> str:
    tops = [sid for sid in rec.section_ids if sid in order]
    return titles[min(tops, key=order.__getitem__)] if tops else OTHER_SECTION


def timeline_data(library: Library, settings: Settings) -> TimelineData:
    """Count the listed papers per year, per top-level section and per review status."""
    order = {s.id: i for i, s in enumerate(settings.list.sections)}
    order["other"] = len(order)
    titles = {s.id: s.title for s in settings.list.sections}
    titles["other"] = OTHER_SECTION
    records = paper_records(library, settings)
    dated = [r for r in records if r.year is not None]
    if not dated:
        return TimelineData((), (), (), (), len(records), len(records))
    first = min(r.year for r in dated if r.year is not None)
    last = max(r.year for r in dated if r.year is not None)
    years = tuple(range(first, last + 1))
    section_titles = [titles[sid] for sid in sorted(order, key=order.__getitem__)]
    per: dict[str, list[int]] = {t: [0] * len(years) for t in section_titles}
    share: dict[str, list[int]] = {k: [0] * len(years) for k in SHARE_COLOURS}
    for r in dated:
        assert r.year is not None
        yi = r.year - first
        per[_top_section(r, order, titles)][yi] += 1
        kind = "preprint" if r.kind == "preprint" else ("venue unknown" if not r.venue else "peer-reviewed")
        share[kind][yi] += 1
    used = tuple(t for t in section_titles if any(per[t]))
    return TimelineData(
        years=years,
        sections=used,
        counts=tuple(tuple(per[t]) for t in used),
        shares=tuple((k, tuple(v)) for k, v in share.items() if any(v) or k != "venue unknown"),
        undated=len(records) - len(dated),
        total=len(records),
    )


def _nice_step(top: int) -> int:
    for mag in (1, 10, 100, 1000, 10000, 100000):
        for m in (1, 2, 5):
            if top / (m * mag) <= 5:
                return m * mag
    return 1000000


def _short(text: str, n: int = 42) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _legend(items: list[tuple[str, str]], x0: float, y: float, width: float) -> tuple[list[str], float]:
    """Swatch + label items, wrapped into rows; returns the elements and the y after the last row."""
    out: list[str] = []
    x = x0
    for label, colour in items:
        shown = _short(label)
        w = 18 + len(shown) * _CHAR_W + 14
        if x > x0 and x + w > x0 + width:
            x, y = x0, y + 18
        swatch = el(
            "rect", {"x": float(x), "y": float(y - 10), "width": 12, "height": 12, "rx": 2, "fill": colour}
        )
        name = el("text", {"x": float(x + 18), "y": float(y), "class": "pbt-fg"}, esc(shown))
        out.append(el("g", None, el("title", text=label), swatch, name))
        x += w
    return out, y + 18


def _description(d: TimelineData) -> str:
    dated = d.total - d.undated
    parts = [f"{dated} dated papers from {d.years[0]} to {d.years[-1]}" if d.years else "No dated papers"]
    if d.undated:
        parts[0] += f" ({d.undated} undated, not shown)"
    parts.append(
        "Per year: " + ", ".join(f"{y}: {sum(c[i] for c in d.counts)}" for i, y in enumerate(d.years))
    )
    parts.append(
        "Per section: " + ", ".join(f"{s}: {sum(c)}" for s, c in zip(d.sections, d.counts, strict=True))
    )
    shares = ", ".join(f"{k}: {sum(v)}" for k, v in d.shares)
    if shares:
        parts.append("By review status: " + shares)
    return ". ".join(parts) + "."


def render_timeline(d: TimelineData, title: str = "") -> str:
    """Return the SVG text of the timeline (deterministic)."""
    heading = "Papers per year, by section" + (f" — {title}" if title else "")
    plot_w = _W - _LEFT - _RIGHT
    body: list[str] = [el("style", text=_STYLE)]
    body.append(
        el(
            "text",
            {"x": _LEFT, "y": 18, "class": "pbt-fg", "font-size": 14, "font-weight": "bold"},
            esc(_short(heading, 90)),
        )
    )
    if not d.years:
        body.append(el("text", {"x": _LEFT, "y": 48, "class": "pbt-fg"}, esc("No dated papers yet.")))
        return _wrap(body, 64, heading, _description(d))
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(d.sections)}
    legend, y = _legend([(s, colours[s]) for s in d.sections], _LEFT, 40, plot_w)
    body += legend
    top = y + 8
    bottom = top + _PLOT_H
    totals = [sum(c[i] for c in d.counts) for i in range(len(d.years))]
    step = _nice_step(max(totals))
    ymax = -(-max(totals) // step) * step
    scale = _PLOT_H / ymax
    _grid(body, ymax, step, scale, bottom)
    slot = plot_w / len(d.years)
    bar_w = min(slot * 0.7, 48.0)
    every = max(1, -(-34 // int(slot)) if slot < 34 else 1)
    for i, year in enumerate(d.years):
        x = _LEFT + i * slot + (slot - bar_w) / 2
        acc = 0
        for s, c in zip(d.sections, d.counts, strict=True):
            if not c[i]:
                continue
            h = c[i] * scale
            attrs: dict[str, str | int | float] = {
                "x": x,
                "y": bottom - (acc + c[i]) * scale,
                "width": bar_w,
                "height": h,
                "fill": colours[s],
                "data-year": year,
                "data-section": s,
                "data-count": c[i],
            }
            body.append(el("rect", attrs, el("title", text=f"{year} · {s}: {c[i]} paper{'s' * (c[i] != 1)}")))
            acc += c[i]
        cx = float(x + bar_w / 2)
        if totals[i] and (i % every == 0 or slot >= 20):
            body.append(
                el(
                    "text",
                    {
                        "x": cx,
                        "y": float(bottom - acc * scale - 4),
                        "text-anchor": "middle",
                        "class": "pbt-fg",
                        "font-size": 11,
                    },
                    esc(str(totals[i])),
                )
            )
        if i % every == 0:
            body.append(
                el(
                    "text",
                    {"x": cx, "y": float(bottom + 16), "text-anchor": "middle", "class": "pbt-fg"},
                    esc(str(year)),
                )
            )
    height = _share_strip(body, d, totals, bottom + 40, slot, bar_w, every, plot_w)
    return _wrap(body, height, heading, _description(d))


def _grid(body: list[str], ymax: int, step: int, scale: float, bottom: float) -> None:
    """Horizontal grid lines with their counts on the left, every `step` papers up to `ymax`."""
    for v in range(0, ymax + 1, step):
        gy = bottom - v * scale
        body.append(
            el(
                "line",
                {"x1": _LEFT, "x2": _W - _RIGHT, "y1": float(gy), "y2": float(gy), "class": "pbt-grid"},
            )
        )
        body.append(
            el(
                "text",
                {"x": _LEFT - 6, "y": float(gy + 4), "text-anchor": "end", "class": "pbt-fg"},
                esc(str(v)),
            )
        )


def _share_strip(
    body: list[str],
    d: TimelineData,
    totals: list[int],
    y: float,
    slot: float,
    bar_w: float,
    every: int,
    plot_w: float,
) -> float:
    """Append the preprint / peer-reviewed strip at `y`; return the picture's height."""
    body.append(
        el(
            "text",
            {"x": _LEFT, "y": float(y), "class": "pbt-fg", "font-weight": "bold"},
            esc("Peer-reviewed vs preprint (share of each year's papers)"),
        )
    )
    legend, y = _legend([(k, SHARE_COLOURS[k]) for k, _ in d.shares], _LEFT, y + 20, plot_w)
    body += legend
    top = y
    for i, year in enumerate(d.years):
        if not totals[i]:
            continue
        x = _LEFT + i * slot + (slot - bar_w) / 2
        acc = 0.0
        for kind, counts in d.shares:
            n = counts[i]
            if not n:
                continue
            h = _SHARE_H * n / totals[i]
            attrs: dict[str, str | int | float] = {
                "x": x,
                "y": float(top + acc),
                "width": bar_w,
                "height": float(h),
                "fill": SHARE_COLOURS[kind],
                "data-year": year,
                "data-kind": kind,
                "data-count": n,
            }
            body.append(el("rect", attrs, el("title", text=f"{year} · {kind}: {n} of {totals[i]}")))
            acc += h
        pre = dict(d.shares).get("preprint", ())
        if i % every == 0 and pre:
            pct = round(100 * pre[i] / totals[i])
            body.append(
                el(
                    "text",
                    {
                        "x": float(x + bar_w / 2),
                        "y": float(top + _SHARE_H + 14),
                        "text-anchor": "middle",
                        "class": "pbt-fg",
                        "font-size": 11,
                    },
                    esc(f"{pct}%"),
                )
            )
    body.append(
        el(
            "text",
            {"x": _LEFT, "y": float(top + _SHARE_H + 32), "class": "pbt-fg", "font-size": 11},
            esc("% under each bar: share of preprints"),
        )
    )
    return top + _SHARE_H + 44


def _wrap(body: list[str], height: float, heading: str, desc: str) -> str:
    attrs: dict[str, str | int | float] = {
        "xmlns": "http://www.w3.org/2000/svg",
        "width": _W,
        "height": float(height),
        "viewBox": f"0 0 {_W} {num(height)}",
        "role": "img",
        "aria-labelledby": "pbt-title pbt-desc",
        "font-family": _FONT,
        "font-size": 12,
    }
    head = [el("title", {"id": "pbt-title"}, esc(heading)), el("desc", {"id": "pbt-desc"}, esc(desc))]
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + el("svg", attrs, *head, *body) + "\n"


def export_timeline(library: Library, settings: Settings) -> str:
    """Return `timeline.svg` for the library."""
    return render_timeline(timeline_data(library, settings), settings.list.title)
