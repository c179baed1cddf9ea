"""The timeline an analyst looks at: cooperation and conflict by month, the balance, milestones marked.

One Vega-Lite spec (built with Altair) is drawn three ways: an interactive, self-contained HTML page (the Vega
JavaScript inlined from vl-convert, so nothing is fetched when it is opened), a PNG (vl-convert renders the same
spec) and, for the Dagster UI, a tiny SVG of the yearly counts small enough to be shown inline.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import duckdb

from bilat.report import timeline_rows

WIDTH = 900          # px of the plotting area, the same in the HTML page and the PNG
LANES = 5            # rows of milestone labels; a label that fits in none is left out (less-reported first)
LABEL_FONT = 10      # px
CHAR_PX = 5.6        # a generous mean glyph width of FONT at LABEL_FONT px
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"  # Arial's metrics, wherever the chart is drawn
CLAUSE_CHARS = 44    # a milestone label's text, not counting its date

# The milestones worth a label: per year, the one reported by most articles, ties going to the month with the
# most interactions (the busiest moment of the relationship that year). date_text is how the article wrote the
# date, so the label can quote the words about that date rather than the sentence's first words.
MILESTONES_SQL = """
with candidates as (
    select m.event_date, m.date_precision, m.description, m.sources, m.urls, coalesce(t.interactions, 0) as interactions,
        (select any_value(e.date_text) from staging.dyad_events e
         where e.actor_a = m.actor_a and e.actor_b = m.actor_b and e.event_date = m.event_date
           and e.date_precision = m.date_precision and e.description = m.description) as date_text
    from marts.dyad_milestones m
    left join marts.dyad_timeline t
      on t.actor_a = m.actor_a and t.actor_b = m.actor_b and t.month = date_trunc('month', m.event_date)
    where m.actor_a = least(?, ?) and m.actor_b = greatest(?, ?)
      and m.event_date >= coalesce(?::date, DATE '1900-01-01') and m.event_date < coalesce(?::date, DATE '2999-01-01')
)
select * from candidates
qualify row_number() over (partition by year(event_date) order by sources desc, interactions desc, event_date) = 1
order by event_date
"""

# What a month is made of, for the panel that hovering a month fills: its interactions and its articles.
INTERACTIONS_SQL = """
select i.month, i.occurred_on, i.category, i.mode, i.source_id, i.target_id, i.cue, i.url,
    coalesce(s.name, i.source_actor) as source_actor, coalesce(t.name, i.target_actor) as target_actor
from staging.dyad_interactions i
left join core.entities s on s.entity_id = i.source_actor
left join core.entities t on t.entity_id = i.target_actor
where i.actor_a = least(?, ?) and i.actor_b = greatest(?, ?)
  and i.month >= coalesce(?::date, DATE '1900-01-01') and i.month < coalesce(?::date, DATE '2999-01-01')
order by i.month, i.occurred_on, i.url, i.start_char
"""

QUOTES_SQL = """
select month, top_quotes from marts.dyad_timeline
where actor_a = least(?, ?) and actor_b = greatest(?, ?)
  and month >= coalesce(?::date, DATE '1900-01-01') and month < coalesce(?::date, DATE '2999-01-01')
"""

ARTICLES_SQL = """
select d.month, a.title, a.url, a.outlet, a.published_at::date as published, d.weight
from staging.dyad_articles d join core.articles a using (article_id)
where d.actor_a = least(?, ?) and d.actor_b = greatest(?, ?)
  and d.month >= coalesce(?::date, DATE '1900-01-01') and d.month < coalesce(?::date, DATE '2999-01-01')
order by d.month, d.weight desc, a.published_at, a.url
"""

_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
_QUOTED_URL = re.compile(r"^(?P<text>.*?)\s*<(?P<url>https?://[^>\s]+)>$", re.S)


def milestones(con: duckdb.DuckDBPyConnection, a: str, b: str, start: date | None = None, end: date | None = None) -> list[dict]:
    """Each year's milestone, with a short ``label``: its own date and the words about that date."""
    marks = con.sql(MILESTONES_SQL, params=[a, b, a, b, start, end]).to_arrow_table().to_pylist()
    for mark in marks:
        when = mark["event_date"].strftime("%Y-%m-%d" if mark["date_precision"] == "day" else "%Y-%m")
        mark["label"] = f"{when} {short_label(mark['description'], mark['date_text'])}"
    return marks


def short_label(sentence: str, date_text: str | None, width: int = CLAUSE_CHARS) -> str:
    """About ``width`` characters of ``sentence``, cut at word boundaries, about its date: a sentence often names
    several dates and its first words may be about another one, so the label quotes the clause that holds the
    date expression, leading up to it (or, when the date opens the clause, the words that follow it)."""
    sentence = " ".join(sentence.split()).rstrip(".")
    at = sentence.lower().find(date_text.lower()) if date_text else -1
    if at < 0:
        return _cut(sentence, width)
    at_end = at + len(date_text)
    cuts = [m.end() for m in _CLAUSE_BREAK.finditer(sentence) if not at < m.end() <= at_end]  # never inside the date
    begin = max([c for c in cuts if c <= at] + [0])
    stop = min([c for c in cuts if c > at_end] + [len(sentence) + 1]) - 1
    lead = sentence[begin:at].strip(" ,;:()\u2013\u2014-")
    after = sentence[at_end:].strip(" ,;:()\u2013\u2014-")
    if len(lead.split()) <= 2 and after:  # "In October, Tillerson said ...": the words after the date say what happened
        return _cut(after, width)
    clause = sentence[begin:at_end].strip(" ,;:()\u2013\u2014-")
    if len(clause) <= width:
        return clause if stop <= at_end + 1 else _cut(sentence[begin:stop].strip(" ,;:()\u2013\u2014-"), width)
    tail = clause[-width:]
    return "…" + tail[tail.find(" ") + 1:]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: text.rfind(" ", 0, width + 1)].rstrip(" ,;:") + "…"


def place_labels(items: list[dict], x_of, width: float, lanes: int = LANES) -> list[dict]:
    """Give each label a lane (0 at the top) where it overlaps no other label; more-reported labels are placed
    first and a label with no room is left out. A label starts at its date's dot (or ends there near the right
    edge) and carries the date in its text, so it needs no connector line to cross other labels. Each placed
    item gains ``lane``, ``anchor`` and ``span`` (its extent in px)."""
    placed: list[dict] = []
    for item in sorted(items, key=lambda m: (-m["sources"], -m["interactions"], m["event_date"])):
        x, w = x_of(item["event_date"]), len(item["label"]) * CHAR_PX + 8
        anchor = "right" if x + w > width and x - w >= 0 else "left"
        span = (x - w, x + 4) if anchor == "right" else (x - 4, x + w)
        for lane in range(lanes):
            if all(span[1] < p["span"][0] or span[0] > p["span"][1] for p in placed if p["lane"] == lane):
                placed.append({**item, "lane": lane, "anchor": anchor, "span": span})
                break
    return sorted(placed, key=lambda m: m["event_date"])


def _link(text: str) -> dict:
    """'Speaker: “quote” <url>' as its text and its link."""
    match = _QUOTED_URL.match(text)
    return {"text": match["text"], "url": match["url"]} if match else {"text": text, "url": None}


def month_details(con: duckdb.DuckDBPyConnection, a: str, b: str, rows: list[dict], start: date | None, end: date | None) -> dict:
    """Per month (YYYY-MM): the counts, each interaction, each article and the top quotes, with their links."""
    params = [a, b, a, b, start, end]
    details = {}
    for row in rows:
        details[row["month"].strftime("%Y-%m")] = {
            "month": row["month"].strftime("%B %Y"), "interactions": row["interactions"], "cooperative": row["cooperative"],
            "conflictual": row["conflictual"], "balance": row["balance"], "articles": row["articles"],
            "types": category_text(row["by_category"]), "acts": [], "reports": [],
            "quotes": [],
        }
    for month, quotes in con.sql(QUOTES_SQL, params=params).fetchall():
        details[month.strftime("%Y-%m")]["quotes"] = [_link(q) for q in quotes or []]
    for act in con.sql(INTERACTIONS_SQL, params=params).to_arrow_table().to_pylist():
        mode = f"/{act['mode']}" if act["mode"] else ""
        details[act["month"].strftime("%Y-%m")]["acts"].append({
            "text": f"{act['occurred_on']:%Y-%m-%d} {act['category']}{mode}: {act['source_actor'] or act['source_id']} → "
                    f"{act['target_actor'] or act['target_id']} ({act['cue']})", "url": act["url"]})
    for report in con.sql(ARTICLES_SQL, params=params).to_arrow_table().to_pylist():
        published = f", {report['published']:%Y-%m-%d}" if report["published"] else ""
        details[report["month"].strftime("%Y-%m")]["reports"].append(
            {"text": f"{report['title'] or report['url']} ({report['outlet']}{published})", "url": report["url"]})
    return details


def category_text(by_category) -> str:
    """{'CONSULT': 2, 'AGREE': 1} (DuckDB hands maps over as pairs) as 'CONSULT 2, AGREE 1', most frequent first."""
    pairs = dict(by_category or [])
    return ", ".join(f"{k} {v}" for k, v in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])))


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def chart_spec(con: duckdb.DuckDBPyConnection, a: str, b: str, start: date | None = None, end: date | None = None) -> tuple[dict, dict]:
    """The Vega-Lite spec of the chart and the month details the HTML page shows on hover."""
    import altair as alt

    rows = timeline_rows(con, a, b, start, end)
    if not rows:
        raise ValueError(f"no coverage of {a}–{b} in the warehouse")
    marks = milestones(con, a, b, start, end)
    first = min([rows[0]["month"]] + [m["event_date"] for m in marks]) - timedelta(days=20)
    last = max([_month_end(rows[-1]["month"])] + [m["event_date"] for m in marks]) + timedelta(days=20)
    span = (last - first).days
    x_of = lambda d: WIDTH * (d - first).days / span  # noqa: E731 - the x scale below, in pixels
    placed = place_labels(marks, x_of, WIDTH)
    lanes = max([m["lane"] for m in placed] + [0]) + 1
    iso = lambda d: d.isoformat()  # noqa: E731

    # One x scale shared by every panel; its domain is stated once (on the hover bands), since Vega-Lite warns
    # when the same domain reaches it from several layers.
    epoch_ms = lambda d: (d - date(1970, 1, 1)).days * 86_400_000  # noqa: E731 - a domain in ms parses one way only
    x_scale = alt.Scale(type="utc", domain=[epoch_ms(first), epoch_ms(last)], nice=False)
    axis = alt.Axis(format="%Y", tickCount="year", grid=False)  # a utc scale formats in UTC
    x_month = alt.X("month:T", title=None, axis=axis)  # a bar spans its month: month to end
    keys = [r["month"] for r in rows]
    # Hover bands: every point of the x axis belongs to its nearest month with coverage, so a month is easy to hit.
    edges = [first] + [k + (n - k) / 2 for k, n in zip(keys, keys[1:])] + [last]
    bands = alt.Data(values=[{
        "key": f"{r['month']:%Y-%m}", "from": iso(lo), "to": iso(hi), "month": f"{r['month']:%B %Y}",
        "interactions": r["interactions"], "cooperative": r["cooperative"], "conflictual": r["conflictual"],
        "balance": r["balance"], "articles": r["articles"], "types": category_text(r["by_category"]) or "—",
    } for r, lo, hi in zip(rows, edges, edges[1:])])
    hover = alt.selection_point(name="hover", on="pointerover", fields=["key"], clear="pointerout", empty=False)
    pin = alt.selection_point(name="pin", on="click", fields=["key"], empty=False)
    tooltip = [alt.Tooltip("month:N", title="month"), alt.Tooltip("interactions:Q"), alt.Tooltip("cooperative:Q"),
               alt.Tooltip("conflictual:Q"), alt.Tooltip("balance:Q", format="+.2f"), alt.Tooltip("articles:Q"),
               alt.Tooltip("types:N", title="PLOVER types")]

    def band_layer(with_params: bool):
        layer = alt.Chart(bands).mark_rect(color="#455a64").encode(
            x=alt.X("from:T", scale=x_scale if with_params else alt.Undefined, title=None, axis=axis), x2="to:T",
            opacity=alt.condition(hover | pin, alt.value(0.12), alt.value(0.001)), tooltip=tooltip)
        return layer.add_params(hover, pin) if with_params else layer

    counts = alt.Data(values=[{"month": iso(r["month"]), "end": iso(_month_end(r["month"])), "kind": kind, "n": sign * r[kind]}
                              for r in rows for kind, sign in (("cooperative", 1), ("conflictual", -1)) if r[kind]])
    colour = alt.Color("kind:N", title=None, legend=alt.Legend(orient="top"),
                       scale=alt.Scale(domain=["cooperative", "conflictual"], range=["#2e7d32", "#c62828"]))
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#333", strokeWidth=1).encode(y="y:Q")
    dates = alt.Data(values=[{"date": iso(m["event_date"]), "lane": m["lane"], "label": m["label"], "anchor": m["anchor"],
                              "sentence": m["description"], "sources": m["sources"]} for m in placed])
    milestone_rules = alt.Chart(dates).mark_rule(color="#9e9e9e", strokeDash=[2, 3]).encode(x=alt.X("date:T", axis=axis))

    interactions = alt.layer(  # the hover bands go on top, so that hovering a bar selects its month too
        milestone_rules,
        alt.Chart(counts).mark_bar().encode(
            x=x_month, x2="end:T", y=alt.Y("n:Q", title=["interactions per month", "(conflictual below zero)"],
                              axis=alt.Axis(format="d", tickMinStep=1)), y2=alt.datum(0), color=colour),
        zero,
        band_layer(True),
    ).properties(width=WIDTH, height=220)

    balanced = alt.Data(values=[{"month": iso(r["month"]), "end": iso(_month_end(r["month"])), "balance": r["balance"], "kind": "cooperative" if r["balance"] >= 0 else "conflictual"}
                                for r in rows if r["balance"] is not None])
    balance = alt.layer(
        milestone_rules,
        alt.Chart(balanced).mark_bar().encode(
            x=x_month, x2="end:T", y=alt.Y("balance:Q", scale=alt.Scale(domain=[-10, 10], nice=False), title=["balance", "(−10 hostile … +10)"],
                               axis=alt.Axis(values=[-10, -5, 0, 5, 10])), y2=alt.datum(0),
            color=colour),
        zero,
        band_layer(False),
    ).properties(width=WIDTH, height=110)

    lane_y = alt.Y("lane:O", axis=None, scale=alt.Scale(domain=list(range(lanes))))
    label_height = lanes * 16 + 6
    text = lambda side, dx: alt.Chart(dates).transform_filter(alt.datum.anchor == side).mark_text(  # noqa: E731
        align=side, baseline="middle", dx=dx, fontSize=LABEL_FONT, color="#212121").encode(
        x=alt.X("date:T", axis=None), y=lane_y, text="label:N",
        tooltip=[alt.Tooltip("label:N", title="milestone"), alt.Tooltip("sentence:N", title="reported as"),
                 alt.Tooltip("sources:Q", title="articles")])
    labels = alt.layer(
        alt.Chart(dates).mark_point(filled=True, size=18, color="#616161").encode(x=alt.X("date:T", axis=None), y=lane_y),
        text("left", 4), text("right", -4),
    ).properties(width=WIDTH, height=label_height)

    chart = alt.vconcat(labels, interactions, balance, spacing=6).resolve_scale(x="shared").properties(
        title=alt.Title(f"{a}–{b}: cooperation and conflict by month",
                        subtitle="labels: each year's most-reported milestone, at its own date; hover a month for its interactions, articles and quotes"),
    ).configure(font=FONT).configure_view(stroke=None).configure_axis(labelFontSize=11, titleFontSize=11)
    return chart.to_dict(), month_details(con, a, b, rows, start, end)


def render_png(con: duckdb.DuckDBPyConnection, a: str, b: str, start: date | None = None, end: date | None = None) -> bytes:
    """The chart as PNG bytes (the same spec as the HTML page, drawn by vl-convert)."""
    import vl_convert

    spec, _ = chart_spec(con, a, b, start, end)
    return vl_convert.vegalite_to_png(spec, scale=1.5)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 16px; color: #212121; }}
#details {{ max-width: 1000px; border-top: 1px solid #ccc; padding-top: 8px; font-size: 14px; }}
#details h2 {{ font-size: 16px; margin: 4px 0; }} #details h3 {{ font-size: 14px; margin: 10px 0 2px; }}
#details ul {{ margin: 2px 0; padding-left: 20px; }} .hint {{ color: #757575; }}
</style></head>
<body>
<div id="chart"></div>
<div id="details"><p class="hint">Hover a month to see its interactions, articles and top quotes; click a month to keep it here.</p></div>
<script>{bundle}</script>
<script type="application/json" id="spec">{spec}</script>
<script type="application/json" id="months">{months}</script>
<script>
{{  // a block: the names below must not meet the bundle's globals
const spec = JSON.parse(document.getElementById("spec").textContent);
const months = JSON.parse(document.getElementById("months").textContent);
const panel = document.getElementById("details");
const el = (tag, text) => {{ const node = document.createElement(tag); if (text !== undefined) node.textContent = text; return node; }};
function list(title, items) {{
  if (!items.length) return;
  panel.append(el("h3", title));
  const ul = el("ul");
  for (const item of items) {{
    const li = el("li");
    if (item.url && /^https?:/.test(item.url)) {{ const a = el("a", item.text); a.href = item.url; a.target = "_blank"; a.rel = "noopener"; li.append(a); }}
    else li.textContent = item.text;
    ul.append(li);
  }}
  panel.append(ul);
}}
function show(key) {{
  const m = months[key];
  if (!m) return;
  panel.replaceChildren();
  const balance = m.balance === null ? "no balance" : "balance " + (m.balance > 0 ? "+" : "") + m.balance.toFixed(2);
  panel.append(el("h2", m.month + ": " + m.interactions + " interactions (" + m.cooperative + " cooperative, "
    + m.conflictual + " conflictual), " + balance + ", " + m.articles + " articles"));
  if (m.types) panel.append(el("p", "PLOVER types: " + m.types));
  list("Interactions", m.acts);
  list("Articles", m.reports);
  list("Top quotes", m.quotes);
}}
const keyOf = (value) => value && value.key ? value.key[0] : null;
let pinned = null;
vegaEmbed("#chart", spec, {{actions: false, renderer: "svg"}}).then(({{view}}) => {{
  view.addSignalListener("hover", (_, value) => {{ const key = keyOf(value); if (key && !pinned) show(key); }});
  view.addSignalListener("pin", (_, value) => {{ pinned = keyOf(value); if (pinned) show(pinned); }});
  window.chartView = view;  // for a look from the browser console
  document.body.dataset.rendered = "yes";
}}).catch((error) => console.error("chart failed to render:", error));
}}
</script>
</body></html>
"""


def _script_json(value) -> str:
    """JSON that cannot close the <script> element it sits in."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("</", "<\\/")


def render_html(con: duckdb.DuckDBPyConnection, a: str, b: str, start: date | None = None, end: date | None = None) -> str:
    """A self-contained interactive page: Vega, Vega-Lite and vega-embed are inlined, so no network is needed."""
    import html

    import vl_convert

    spec, months = chart_spec(con, a, b, start, end)
    version = spec["$schema"].rsplit("/v", 1)[1].rsplit(".", 2)[0]  # e.g. ".../vega-lite/v6.4.1.json" -> "6.4"
    return PAGE.format(title=html.escape(f"{a}–{b} timeline"), bundle=vl_convert.javascript_bundle(vl_version=f"v{version}"),
                       spec=_script_json(spec), months=_script_json(months))


def write_chart(con: duckdb.DuckDBPyConnection, a: str, b: str, out: Path, start: date | None = None, end: date | None = None) -> Path:
    """Write the chart as PNG, or as a self-contained interactive HTML page when ``out`` ends in .html."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() in {".html", ".htm"}:
        out.write_text(render_html(con, a, b, start, end), encoding="utf-8")
    else:
        out.write_bytes(render_png(con, a, b, start, end))
    return out


def mini_svg(rows: list[dict], width: int = 480, height: int = 90, max_years: int = 20) -> str:
    """Cooperative (up) and conflictual (down) interactions per year around one zero line, as an SVG of a few
    hundred bytes: small enough for the Dagster UI to show inline. The last ``max_years`` years at most."""
    years: dict[int, list[int]] = {}
    for row in rows:
        counts = years.setdefault(row["month"].year, [0, 0])
        counts[0] += row["cooperative"]
        counts[1] += row["conflictual"]
    if not years:
        return ""
    first, last = max(min(years), max(years) - max_years + 1), max(years)
    top = max(max(c) for y, c in years.items() if y >= first) or 1
    step, mid, half = width / (last - first + 1), height // 2, height // 2 - 12
    coop = "".join(f"M{(y - first + .5) * step:.0f} {mid}v{-c[0] * half / top:.0f}" for y, c in years.items() if y >= first and c[0])
    conf = "".join(f"M{(y - first + .5) * step:.0f} {mid}v{c[1] * half / top:.0f}" for y, c in years.items() if y >= first and c[1])
    bar = max(2, int(step * 0.7))
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' font-size='10' font-family='sans-serif'>"
            f"<path d='{coop}' stroke='#2e7d32' stroke-width='{bar}'/><path d='{conf}' stroke='#c62828' stroke-width='{bar}'/>"
            f"<path d='M0 {mid}H{width}' stroke='#333'/><text y='{height - 1}'>{first}</text>"
            f"<text x='{width}' y='{height - 1}' text-anchor='end'>{last}</text><text x='{width}' y='9' text-anchor='end'>max {top}/yr</text></svg>")


def svg_data_uri(svg: str) -> str:
    """Percent-encoded rather than base64: a third shorter for SVG's few special characters."""
    return "data:image/svg+xml," + quote(svg, safe="=:/',.-")


def default_dyad(con: duckdb.DuckDBPyConnection, requested: tuple[str, str] | None = None) -> tuple[str, str] | None:
    """The dyad to show: the one asked for when it has coverage, else USA–IRQ (the seed relationship), else the
    dyad with the most interactions; None for an empty timeline."""
    for a, b in [d for d in (requested, ("USA", "IRQ")) if d]:
        if timeline_rows(con, a, b):
            return a, b
    busiest = con.sql("select actor_a, actor_b from marts.dyad_timeline group by all "
                      "order by sum(interactions) desc, count(*) desc, actor_a, actor_b limit 1").fetchall()
    return tuple(busiest[0]) if busiest else None
