"""The timeline chart: labels that say what happened at their own date and never overlap, one zero line, the
HTML page opened in a real headless Chromium (rendered, no console errors, hovering a month fills its details),
and what the Dagster asset page gets."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import httpx
import pytest

from bilat.chart import chart_spec, milestones, place_labels, short_label

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_a_label_quotes_the_words_about_its_own_date():
    sentence = ("American warplanes struck Islamic State of Iraq and the Levant positions in northern Iraq on Friday, "
                "the first U.S. combat strikes in the country since the last American troops left at the end of 2011.")
    assert short_label(sentence, "end of 2011") == "…American troops left at the end of 2011"
    opening = "In October, Secretary of State Rex Tillerson said in Riyadh that Iranian-backed militias should go home."
    assert short_label(opening, "October") == "Secretary of State Rex Tillerson said in…"  # cut at a word boundary
    assert short_label("Talks resumed on May 2.", "May 2") == "Talks resumed on May 2"


def test_labels_are_laid_out_without_overlap_most_reported_first():
    items = [{"event_date": date(2020, 1, d), "label": "x" * 40, "sources": s, "interactions": 0}
             for d, s in ((1, 1), (2, 5), (3, 2), (4, 3))]
    placed = place_labels(items, x_of=lambda d: d.day * 10.0, width=900, lanes=3)
    assert [p["event_date"].day for p in sorted(placed, key=lambda p: p["lane"])] == [2, 4, 3]  # the least reported has no room
    assert len({p["lane"] for p in placed}) == 3


def _texts(node: dict) -> list[str]:
    """Every text drawn in a Vega scenegraph."""
    found = [item["text"] for item in node.get("items", []) if node.get("marktype") == "text" and isinstance(item.get("text"), str)]
    return found + [t for item in node.get("items", []) for t in _texts(item)]


def test_the_drawn_milestone_labels_carry_their_own_date(bundled_run):
    import vl_convert

    with duckdb.connect(str(bundled_run.warehouse), read_only=True) as con:
        spec, months = chart_spec(con, "USA", "IRQ")
        labels = {m["label"]: m for m in milestones(con, "USA", "IRQ")}
    drawn = [t for t in _texts(vl_convert.vegalite_to_scenegraph(spec)["scenegraph"]) if t in labels]
    assert len(drawn) >= 6, drawn
    for text in drawn:  # the event's own date, not another date its sentence names
        assert text.startswith(labels[text]["event_date"].strftime("%Y-%m"))
    assert not any("American warplanes struck" in t for t in drawn)  # the 2014 strikes are not a 2011 event
    assert months["2014-06"]["balance"] < 0 and months["2017-10"]["balance"] < 0


def test_conflict_is_drawn_below_the_one_zero_line(bundled_run):
    with duckdb.connect(str(bundled_run.warehouse), read_only=True) as con:
        spec, _ = chart_spec(con, "USA", "IRQ")
    bars = spec["vconcat"][1]["layer"][1]
    assert bars["encoding"]["y2"] == {"datum": 0}  # every bar starts at zero: cooperation up, conflict down, one axis
    counts = bars["data"]["values"]
    assert {c["kind"] for c in counts if c["n"] < 0} == {"conflictual"} and {c["kind"] for c in counts if c["n"] > 0} == {"cooperative"}
    balance = spec["vconcat"][2]["layer"][1]["encoding"]["y"]
    assert balance["scale"]["domain"] == [-10, 10]  # the balance has its own panel and scale


def test_bilat_timeline_writes_png_and_html(bundled_run, tmp_path):
    env = {**os.environ, "BILAT_WAREHOUSE": str(bundled_run.warehouse), "COLUMNS": "160"}
    for name in ("usa-irq.png", "usa-irq.html"):
        out = tmp_path / name
        result = subprocess.run([str(BIN / "bilat"), "timeline", "USA", "IRQ", "--out", str(out)], env=env,
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr
        assert f"chart written to {out}" in result.stdout
    assert (tmp_path / "usa-irq.png").read_bytes().startswith(b"\x89PNG")
    page = (tmp_path / "usa-irq.html").read_text(encoding="utf-8")
    assert "vegaEmbed" in page and "<script src" not in page and "data:image/png" not in page  # the library inlined, no picture


def test_the_chart_marks_the_2021_and_2023_milestones(bundled_run):
    with duckdb.connect(str(bundled_run.warehouse), read_only=True) as con:
        marked = {m["event_date"].strftime("%Y-%m") for m in milestones(con, "USA", "IRQ")}
    assert "2021-07" in marked and "2023-08" in marked


def launch_chromium(profile: Path) -> tuple[subprocess.Popen, str]:
    """Headless Chromium in its own process group, and the DevTools websocket of its page."""
    process = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1400,1200",
         "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port_file = profile / "DevToolsActivePort"
    for _ in range(300):
        if port_file.exists() and port_file.read_text().count("\n") >= 1:
            break
        time.sleep(0.1)
    port = int(port_file.read_text().split()[0])
    target = next(t for t in httpx.get(f"http://127.0.0.1:{port}/json/list").json() if t["type"] == "page")
    return process, target["webSocketDebuggerUrl"]


class Browser:
    """A Chromium page driven over the DevTools protocol: console errors and exceptions are collected."""

    def __init__(self, ws):
        self.ws, self.next_id, self.errors = ws, 0, []
        for method in ("Runtime.enable", "Log.enable", "Page.enable"):
            self.call(method)

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})
            self._note(message)

    def _note(self, message: dict):
        params = message.get("params", {})
        if message.get("method") == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
        elif message.get("method") == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("exception", {}).get("description", "exception"))
        elif message.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(params["entry"]["text"])

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait_for(self, expression: str, tries: int = 300):
        for _ in range(tries):
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"never true in the page: {expression}; errors: {self.errors}")

@pytest.fixture
def browser():
    from websockets.sync.client import connect

    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install -y chromium; .ci/run installs it)")
    profile = Path(tempfile.mkdtemp(prefix="bilat-chromium-"))
    process, url = launch_chromium(profile)
    try:
        with connect(url, max_size=None) as ws:
            yield Browser(ws)
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)


def test_the_html_chart_renders_in_chromium_and_hovering_a_month_shows_its_details(bundled_run, tmp_path, browser):
    env = {**os.environ, "BILAT_WAREHOUSE": str(bundled_run.warehouse)}
    out = tmp_path / "usa-irq.html"
    subprocess.run([str(BIN / "bilat"), "timeline", "USA", "IRQ", "--out", str(out)], env=env, check=True,
                   capture_output=True, timeout=180)
    browser.call("Page.navigate", url=out.as_uri())
    browser.wait_for("document.body.dataset.rendered === 'yes'")
    assert browser.evaluate("document.querySelectorAll('#chart svg path').length") > 50
    # The milestone labels as Chromium drew them: none overlaps another.
    boxes = browser.evaluate("""[...document.querySelectorAll('#chart svg text')].filter(t => /^\\d{4}-\\d\\d/.test(t.textContent))
        .map(t => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom]; })""")
    assert len(boxes) >= 6 and any(b[0].startswith("2021-07") for b in boxes), boxes
    for i, (text, *a) in enumerate(boxes):
        for other, *b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], f"{text!r} overlaps {other!r}"
    # Hover the first conflictual bar (June 2014): the details panel lists that month's acts, articles and quotes.
    x, y = browser.evaluate("""(() => { const bar = [...document.querySelectorAll('#chart svg path')]
        .find(p => p.getAttribute('fill') === '#c62828'); const r = bar.getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2]; })()""")
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
    details = browser.wait_for("document.querySelector('#details h2') && document.querySelector('#details').innerText")
    assert details.startswith("June 2014: 4 interactions (0 cooperative, 4 conflictual), balance -0.50"), details
    assert "Interactions" in details and "Articles" in details and "Top quotes" in details
    links = browser.evaluate("[...document.querySelectorAll('#details a')].map(a => a.href)")
    assert links and all(link.startswith("https://") for link in links)
    assert browser.errors == []


def test_the_asset_page_gets_a_small_inline_chart_and_the_dyads_months(bundled_run):
    event = bundled_run.instance.get_latest_materialization_event(dg.AssetKey(["marts", "dyad_timeline"]))
    metadata = event.asset_materialization.metadata
    assert metadata["dyad"].value == "USA–IRQ"
    picture = metadata["USA–IRQ by year"].value
    assert picture.startswith("![") and "data:image/svg+xml," in picture and len(picture) < 1000  # shown inline
    page = Path(metadata["USA–IRQ chart"].value)
    assert page.parent == bundled_run.warehouse.parent / "charts" and "vegaEmbed" in page.read_text(encoding="utf-8")
    records = [r.data for r in metadata["preview"].value.records]
    assert records and all(set(r) >= {"month", "interactions", "types"} for r in records)
    assert any(r["types"] and "(" not in r["types"] and r["types"].split()[0].isupper() for r in records)  # "CONSULT 2, AGREE 1"
    assert sum(len(str(v.value)) for v in metadata.values()) < 10_000  # no base64 image in the event log
