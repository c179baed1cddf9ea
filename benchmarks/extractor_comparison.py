"""The first stage's extractor: trafilatura (as bilat.parse.article calls it) against rs-trafilatura and
resiliparse, on the bundled pages and on the Voice of America stories wrapped as news pages.

    .venv/bin/pip install -e '.[bench]'     # resiliparse; rs-trafilatura has a wheel only for CPython 3.12 on x86_64 Linux
    .venv/bin/python benchmarks/extractor_comparison.py [--runs 7] [--corpus PATH]

Corpora:

* the bundled pages (bilat/corpus/archive), each scored against the text as written in
  tools/corpus/articles/*.yaml: the dateline and the body paragraphs, as tools/corpus/build.py prints them
  (the standfirst, which the page shows above the byline, is not main text: bilat drops it);
* the 48 VOA stories of ../shared/corpora/voa/voa-dev.jsonl, each wrapped in memory (never written to disk)
  in one of five news-page templates: headline, byline, a visible date, navigation, share buttons, a
  related-links box (inside the story in two templates), ads, a newsletter box, a cookie banner, a footer;
  metadata in <meta> tags, JSON-LD, microdata, or only in visible text; one template is a layout of tables,
  as news sites were built around 2000. Scored against the story's text.

Per extractor and corpus it prints pages/s on one core (the process pinned to one CPU, its CPU time; median
of --runs passes, the extractors interleaved so each sees the same machine) and its ratio to trafilatura's; main-text
word precision and recall (bags of lower-cased word tokens with counts, summed over the pages), the lowest
recall of any page and how many pages lose more than 1 % of their words; how many pages give under bilat's
200 characters (bilat would quarantine them); how often the title, the publication date and the author are
found (of the pages that show one); on the bundled pages, how often the text still opens with its dateline
(bilat reads core.articles.dateline from it); then precision and recall by page layout.

Every extractor's text goes through bilat's own clean-up (bilat.parse.article._body_only: a leading headline,
and what comes before a dateline in the first lines, dropped), as it would if bilat switched to it. The peer
is trafilatura exactly as bilat calls it (checked against parse_article's text: tables left out unless the page
has no text outside them); a second trafilatura row has tables always in. rs-trafilatura runs
with its defaults and with favor_precision (bilat's setting for trafilatura), tables and comments off as
bilat's; resiliparse with main_content=True. resiliparse has no metadata extractor: its title is the page's
<title>, it finds no date or author.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import lxml.html
import trafilatura

from bilat.evaluate import voa_corpus
from bilat.extract.text import DATELINE
from bilat.parse.article import MIN_TEXT_CHARS, _TITLE_SUFFIX, _body_only, _main_text, decode_page, parse_article

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "corpus"))
import build as corpus_build  # noqa: E402  (tools/corpus/build.py: the renderer of the bundled pages)

PEER = "trafilatura (bilat's call)"
LOST_WORDS = 0.01  # a page "loses text" when its recall is below 1 - LOST_WORDS


@dataclass
class Page:
    url: str
    html: str
    text: str  # the main text as written
    title: str
    author: str
    published: datetime | None  # None: the page shows no date
    template: str  # the layout it was rendered with
    dateline: str | None = None  # the dateline the text opens with, if it has one


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None


# --------------------------------------------------------------------------- the extractors

def trafilatura_extractor(include_tables: bool | None = None) -> Callable[[Page], Extracted]:
    """include_tables=None is the call bilat.parse.article.parse_article makes (checked against it in main):
    tables left out, and taken in only when there is no text outside them (a page laid out in tables)."""
    def extract(page: Page) -> Extracted:
        doc = _main_text(lxml.html.fromstring(page.html), page.url, include_tables=bool(include_tables))
        if include_tables is None and len(_body_only((doc.text if doc else "") or "", ((doc.title if doc else "") or "").strip())) < MIN_TEXT_CHARS:
            doc = _main_text(lxml.html.fromstring(page.html), page.url, include_tables=True)
        if not doc:
            return Extracted("")
        return Extracted(doc.text or "", doc.title, doc.author, doc.date)
    return extract


def rs_trafilatura_extractor(**options) -> Callable[[Page], Extracted]:
    import rs_trafilatura

    def extract(page: Page) -> Extracted:
        result = rs_trafilatura.extract(page.html, url=page.url, include_tables=False, include_comments=False, **options)
        return Extracted(result.main_content or "", result.title, result.author, result.date)
    return extract


def resiliparse_extractor() -> Callable[[Page], Extracted]:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def extract(page: Page) -> Extracted:
        tree = HTMLTree.parse(page.html)
        # comments off as for the others; post_meta off: bylines and dates are metadata, not main text
        text = extract_plain_text(tree, main_content=True, comments=False, post_meta=False)
        return Extracted(text, tree.title)
    return extract


def extractors() -> tuple[dict[str, Callable[[Page], Extracted]], list[str]]:
    # the second row is not bilat's call: tables always in, which bilat does only on a page with no text outside them
    found, missing = {PEER: trafilatura_extractor(), "trafilatura include_tables": trafilatura_extractor(include_tables=True)}, []
    try:
        found["rs-trafilatura"] = rs_trafilatura_extractor()
        found["rs-trafilatura favor_precision"] = rs_trafilatura_extractor(favor_precision=True)
    except ImportError:
        missing.append("rs-trafilatura (pip install rs-trafilatura: a wheel only for CPython 3.12 on x86_64 Linux)")
    try:
        found["resiliparse main_content"] = resiliparse_extractor()
    except ImportError:
        missing.append("resiliparse (pip install resiliparse)")
    return found, missing


# --------------------------------------------------------------------------- the bundled pages

def bundled_pages() -> list[Page]:
    sections, outlets = corpus_build.load_outlets(corpus_build.OUTLETS_FILE)
    pages = []
    for art in corpus_build.load_articles(corpus_build.DEFAULT_ARTICLES, sections, outlets):
        body = corpus_build.page_file(corpus_build.DEFAULT_OUT, art.url).read_bytes()
        text = "\n\n".join([f"{art.dateline} — " + corpus_build.paragraphs(art)[0], *corpus_build.paragraphs(art)[1:]])
        pages.append(Page(art.url, decode_page(body), text, art.title, art.byline, art.published if art.dated else None,
                          art.outlet["template"], art.dateline))
    return pages


# --------------------------------------------------------------------------- VOA stories as news pages

_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
SECTIONS = ["World", "Africa", "Americas", "Asia", "Europe", "Middle East", "Ukraine", "Press Freedom", "Economy", "Video"]
SITES = [("The Meridian Post", "meridianpost.example"), ("Global Affairs Daily", "www.globalaffairsdaily.example"),
         ("Eastbridge Times", "eastbridgetimes.example"), ("NewsNow World", "world.newsnow.example")]
CREDIT = "Text: Voice of America (voanews.com)."


def story_paragraphs(text: str, rng: random.Random) -> list[str]:
    """VOA's text is one string; outlets print paragraphs of one to four sentences."""
    sentences, paragraphs = _SENTENCE.split(text), []
    while sentences:
        take = rng.choice([1, 2, 2, 3, 3, 4])
        paragraphs.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    return paragraphs


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70]


def author_names(author: str) -> list[str]:
    return [name.strip() for name in author.split(",") if name.strip()]


def by_line(author: str) -> str:
    names = author_names(author)
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def nav(items: list[str], cls: str) -> str:
    return "\n".join(f'<li class="{cls}"><a href="/{slug(s)}/">{html.escape(s)}</a></li>' for s in items)


def links(stories: list[dict], host: str, indent: str = "") -> str:
    return "\n".join(f'{indent}<li><a href="https://{host}/a/{slug(s["title"])}-{s["id"]}.html">{html.escape(s["title"])}</a></li>'
                     for s in stories)


def head(story: dict, site: str, url: str, extra: str) -> str:
    first = html.escape(_SENTENCE.split(story["text"])[0])
    return f"""<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(story["title"])} | {site}</title>
<meta name="description" content="{first}">
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="/assets/site.css">{extra}
<script async src="/assets/analytics.js"></script>"""


def page_cms(story, site, host, url, published, paragraphs, others) -> str:
    """A CMS article page: OpenGraph and article:published_time, <article>, <time>, an inline related box."""
    esc = html.escape
    extra = f"""
<meta property="og:title" content="{esc(story["title"])}">
<meta property="og:site_name" content="{site}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{published.isoformat()}">
<meta name="author" content="{esc(story["author"])}">"""
    cut = min(3, len(paragraphs) - 1)
    body = "\n".join(f"      <p>{esc(p)}</p>" for p in paragraphs[:cut])
    body += f"""
      <aside class="inline-related"><h3>Related</h3><ul>
{links(others[:2], host, "        ")}
      </ul></aside>
""" + "\n".join(f"      <p>{esc(p)}</p>" for p in paragraphs[cut:])
    return f"""<!DOCTYPE html>
<html lang="en"><head>
{head(story, site, url, extra)}
</head>
<body class="article">
<div class="cookie-banner">We use cookies to improve your experience and to measure traffic. <button>Accept</button> <button>Settings</button></div>
<header class="site-header"><a class="logo" href="/">{site}</a>
  <nav class="primary"><ul>
{nav(SECTIONS, "nav-item")}
  </ul></nav>
  <form class="search" action="/search"><input name="q" placeholder="Search"><button>Search</button></form>
</header>
<main>
  <ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/{slug(story["section"])}/">{esc(story["section"])}</a></li></ol>
  <article class="story">
    <h1 class="story-title">{esc(story["title"])}</h1>
    <div class="story-meta">
      <span class="byline">By <a rel="author" href="/author/{slug(story["author"])}">{esc(by_line(story["author"]))}</a></span>
      <time datetime="{published.isoformat()}">{published:%B} {published.day}, {published.year} {published:%I:%M %p}</time>
    </div>
    <div class="share"><a href="#fb">Facebook</a> <a href="#x">X</a> <a href="#mail">Email</a> <a href="#print">Print</a></div>
    <figure class="lead-image"><img src="/img/{story["id"]}.jpg" alt="File photo"><figcaption>File photo. (Photo: Agency)</figcaption></figure>
    <div class="story-body">
{body}
    </div>
    <div class="tags">Topics: <a href="/tag/{slug(story["section"])}">{esc(story["section"])}</a> <a href="/tag/{slug(story["keywords"])}">{esc(story["keywords"])}</a></div>
  </article>
  <section class="more-stories"><h2>More from {site}</h2><ul>
{links(others[2:7], host, "    ")}
  </ul></section>
</main>
<footer class="site-footer">
  <ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>
  <p>{CREDIT} © {published.year} {site}.</p>
</footer>
</body></html>
"""


def page_divs(story, site, host, url, published, paragraphs, others) -> str:
    """A page of divs with JSON-LD metadata only, a sidebar, a newsletter box and a share bar."""
    esc = html.escape
    names = author_names(story["author"])
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story["title"],
          "datePublished": published.isoformat(), "author": [{"@type": "Person", "name": n} for n in names],
          "publisher": {"@type": "Organization", "name": site}, "mainEntityOfPage": url}
    extra = f'\n<script type="application/ld+json">{json.dumps(ld)}</script>'
    body = "\n".join(f'        <p>{esc(p)}</p>' for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
{head(story, site, url, extra)}
</head>
<body>
<div id="wrap">
  <div id="top"><div class="brand"><a href="/">{site}</a></div><div class="date-today">Latest news, around the clock</div></div>
  <div id="menu"><ul>
{nav(SECTIONS, "menu-item")}
  </ul></div>
  <div id="content">
    <div class="main-col">
      <div class="headline"><h1>{esc(story["title"])}</h1></div>
      <div class="meta"><span class="author">{esc(by_line(story["author"]))}</span> | <span class="date">{published.day} {published:%B %Y}</span></div>
      <div class="story">
{body}
      </div>
      <div class="share-bar">Share this story: <a href="#">Facebook</a> · <a href="#">X</a> · <a href="#">WhatsApp</a> · <a href="#">Email</a></div>
      <div class="related"><h3>You may also like</h3><ul>
{links(others[:4], host, "        ")}
      </ul></div>
    </div>
    <div class="side-col">
      <div class="widget"><h3>Most read</h3><ol>
{links(others[4:9], host, "        ")}
      </ol></div>
      <div class="widget newsletter"><h3>Daily Briefing</h3><p>The day's top stories from around the world, in your inbox every morning.</p>
        <form action="/subscribe"><input type="email" placeholder="Your email"><button>Subscribe</button></form></div>
      <div class="ad">Advertisement</div>
    </div>
  </div>
  <div id="footer"><p><a href="/about">About</a> | <a href="/advertise">Advertise</a> | <a href="/privacy">Privacy</a> | <a href="/contact">Contact us</a></p>
    <p>{CREDIT} Copyright {published.year} {site}. All rights reserved.</p></div>
</div>
</body></html>
"""


def page_legacy(story, site, host, url, published, paragraphs, others) -> str:
    """An old CMS: paragraphs split by <br><br> in one div, no metadata but <title>; the date only as text."""
    esc = html.escape
    body = "<br><br>\n".join(esc(p) for p in paragraphs)
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head>
{head(story, site, url, "")}
</head>
<body>
<div id="header"><a href="/"><img src="/img/logo.gif" alt="{site}"></a></div>
<div id="topnav">{" | ".join(f'<a href="/{slug(s)}/">{esc(s)}</a>' for s in SECTIONS)}</div>
<div id="main">
<h2 class="headline">{esc(story["title"])}</h2>
<p class="byline"><b>By {esc(by_line(story["author"]))}</b><br>
Posted {published:%A}, {published:%B} {published.day}, {published.year}, {published:%H:%M} UTC</p>
<div class="storytext">
{body}
</div>
<p class="related"><b>See also:</b><br>
{"<br>".join(f'<a href="https://{host}/a/{o["id"]}.html">{esc(o["title"])}</a>' for o in others[:3])}</p>
</div>
<div id="right">
<p><b>Top stories</b></p>
<ul>
{links(others[3:8], host)}
</ul>
<p class="poll"><b>Poll:</b> Should your paper cover more world news? <a href="/poll">Vote now</a></p>
</div>
<p class="footer">{CREDIT} &copy; {published.year} {site} | <a href="/terms">Terms</a> | <a href="/privacy">Privacy</a> | <a href="/archive">Archive</a></p>
</body></html>
"""


def page_tables(story, site, host, url, published, paragraphs, others) -> str:
    """A layout of tables, as news sites were built around 2000 (what a long archive backfill meets):
    the story in a table cell, paragraphs as <p>, metadata in <meta name="author"> and <meta name="date">."""
    esc = html.escape
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    extra = f'\n<meta name="author" content="{esc(story["author"])}">\n<meta name="date" content="{published:%Y-%m-%d}">'
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head>
{head(story, site, url, extra)}
</head>
<body bgcolor="#ffffff">
<table width="100%" cellpadding="0" cellspacing="0"><tr><td class="masthead"><a href="/"><img src="/img/logo.gif" alt="{site}"></a></td></tr>
<tr><td class="topnav">{" | ".join(f'<a href="/{slug(s)}/">{esc(s)}</a>' for s in SECTIONS)}</td></tr></table>
<table width="100%"><tr>
<td width="70%" valign="top" class="maincol">
<font size="+2"><b>{esc(story["title"])}</b></font><br>
<font size="-1">By {esc(by_line(story["author"]))} | {published:%m/%d/%Y}</font>
{body}
<p><b>Related stories:</b></p>
<ul>
{links(others[:3], host)}
</ul>
</td>
<td width="30%" valign="top" class="rightcol">
<p><b>Top stories</b></p>
<ul>
{links(others[3:8], host)}
</ul>
</td></tr></table>
<p class="footer">{CREDIT} &copy; {published.year} {site} | <a href="/terms">Terms</a> | <a href="/privacy">Privacy</a></p>
</body></html>
"""


def page_modern(story, site, host, url, published, paragraphs, others) -> str:
    """A component layout: each paragraph in its own wrapper, ads and "Read more" promos between them,
    itemprop metadata."""
    esc = html.escape
    blocks = []
    for index, paragraph in enumerate(paragraphs):
        blocks.append(f'<div class="text-block"><p class="paragraph">{esc(paragraph)}</p></div>')
        if index == 1:
            blocks.append('<div class="ad-slot" data-slot="mid1"><span>Advertisement</span></div>')
        if index in (2, 5) and index < len(paragraphs) - 1:
            promo = others[0 if index == 2 else 1]
            blocks.append(f'<div class="promo"><p>Read more: <a href="https://{host}/a/{promo["id"]}">{esc(promo["title"])}</a></p></div>')
    body = "\n          ".join(blocks)
    names = author_names(story["author"])
    authors = ", ".join(f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><a href="/people/{slug(n)}" itemprop="name">{esc(n)}</a></span>'
                        for n in names)
    extra = f'\n<meta property="og:title" content="{esc(story["title"])}">\n<meta property="og:site_name" content="{site}">'
    return f"""<!DOCTYPE html>
<html lang="en-US"><head>
{head(story, site, url, extra)}
</head>
<body>
<div id="__app">
  <div class="topbar"><span>Breaking: live coverage on our home page</span><a href="/login">Sign in</a><a href="/subscribe">Subscribe</a></div>
  <header><div class="logo"><a href="/">{site}</a></div><nav><ul>
{nav(SECTIONS, "nav-link")}
  </ul></nav></header>
  <main class="container">
    <div class="row">
      <div class="col-main" itemscope itemtype="https://schema.org/NewsArticle">
        <div class="kicker"><a href="/{slug(story["section"])}/">{esc(story["section"])}</a></div>
        <h1 itemprop="headline">{esc(story["title"])}</h1>
        <div class="authors">By {authors}</div>
        <div class="timestamp"><meta itemprop="datePublished" content="{published.isoformat()}">Published {published:%b} {published.day}, {published.year}</div>
        <div class="article-content" itemprop="articleBody">
          {body}
        </div>
        <div class="newsletter-inline"><p>Get the World Brief newsletter: the stories that matter, every weekday.</p><a href="/newsletters">Sign up</a></div>
        <div class="comments-teaser"><a href="#comments">Join the conversation</a></div>
      </div>
      <div class="col-rail">
        <div class="trending"><h4>Trending now</h4><ul>
{links(others[2:7], host, "          ")}
        </ul></div>
      </div>
    </div>
  </main>
  <footer><div class="footer-nav"><a href="/about">About</a><a href="/careers">Careers</a><a href="/privacy">Privacy</a><a href="/cookies">Cookie settings</a></div>
    <small>{CREDIT} © {published.year} {site}</small></footer>
</div>
</body></html>
"""


VOA_TEMPLATES = [page_cms, page_divs, page_legacy, page_modern, page_tables]


def voa_pages(path: Path) -> list[Page]:
    stories = [json.loads(line) for line in path.open(encoding="utf-8")]
    pages = []
    for index, story in enumerate(stories):
        rng = random.Random(int(story["id"]))
        template = VOA_TEMPLATES[index % len(VOA_TEMPLATES)]
        site, host = SITES[index % len(SITES)]
        published = datetime.strptime(story["published"], "%Y-%m-%d %H:%M:%SZ").replace(tzinfo=timezone.utc)
        url = f"https://{host}/a/{slug(story['title'])}-{story['id']}.html"
        others = rng.sample([s for s in stories if s is not story], 9)
        page = template(story, site, host, url, published, story_paragraphs(story["text"], rng), others)
        pages.append(Page(url, page, story["text"], story["title"], story["author"], published, template.__name__[5:]))
    return pages


# --------------------------------------------------------------------------- scoring

def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(str.maketrans("‘’“”", "''\"\""))
    return " ".join(text.lower().split())


def title_found(found: str | None, page: Page) -> bool:
    return bool(found) and norm(page.title) in (norm(found), norm(_TITLE_SUFFIX.sub("", found.strip())))


def author_found(found: str | None, page: Page) -> bool:
    names = {norm(n) for n in re.split(r",|;|&|\band\b", re.sub(r"^\s*by\s+", "", found or "", flags=re.I)) if n.strip()}
    return names == {norm(n) for n in author_names(page.author)}


def date_found(found: str | None, page: Page) -> bool:
    try:
        day = date.fromisoformat((found or "")[:10])
    except ValueError:
        return False
    return day in (page.published.date(), page.published.astimezone(timezone.utc).date())


@dataclass
class Score:
    precision: float
    recall: float
    worst_recall: float
    lossy: int
    no_text: int
    title: int
    date: int | None
    author: int | None
    dateline: int | None


def dateline_kept(text: str, page: Page) -> bool:
    match = DATELINE.match(text)
    return bool(match) and match["dateline"].strip() == page.dateline

def score(pages: list[Page], results: list[Extracted]) -> Score:
    overlap = extracted_total = written_total = lossy = no_text = 0
    worst = 1.0
    for page, result in zip(pages, results):
        got, want = words(result.text), words(page.text)
        common = sum((got & want).values())
        overlap, extracted_total, written_total = overlap + common, extracted_total + sum(got.values()), written_total + sum(want.values())
        recall = common / sum(want.values())
        worst, lossy = min(worst, recall), lossy + (recall < 1 - LOST_WORDS)
        no_text += len(result.text) < MIN_TEXT_CHARS
    has_metadata = any(r.date or r.author for r in results)
    return Score(
        precision=overlap / extracted_total if extracted_total else 0.0,
        recall=overlap / written_total,
        worst_recall=worst,
        lossy=lossy,
        no_text=no_text,
        title=sum(title_found(r.title, p) for p, r in zip(pages, results)),
        date=sum(date_found(r.date, p) for p, r in zip(pages, results) if p.published) if has_metadata else None,
        author=sum(author_found(r.author, p) for p, r in zip(pages, results)) if has_metadata else None,
        dateline=sum(dateline_kept(r.text, p) for p, r in zip(pages, results) if p.dateline) if any(p.dateline for p in pages) else None,
    )


def as_bilat_keeps(result: Extracted) -> Extracted:
    """bilat's clean-up of any extractor's text (a leading headline; what precedes a dateline)."""
    title = (result.title or "").strip()
    return Extracted(_body_only(result.text, title), result.title, result.author, result.date)


def check_bilat_call(pages: list[Page], results: list[Extracted]) -> None:
    """The trafilatura call here must be the one bilat makes: the same text as parse_article gives."""
    for page, result in zip(pages, results):
        parsed = parse_article(page.html.encode(), doc_id="d", url=page.url, source="s", published_at=None,
                               date_source="fetch", partition_date=date(2025, 12, 31))
        if parsed.text != result.text:
            raise SystemExit(f"benchmark's trafilatura call differs from bilat.parse.article on {page.url}")


# --------------------------------------------------------------------------- timing and output

def one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity here)"


def timed(extract: Callable[[Page], Extracted], pages: list[Page]) -> float:
    """CPU seconds of this process for one pass: on a shared machine wall time also counts other jobs' turns."""
    began = time.process_time()
    for page in pages:
        extract(page)
    return time.process_time() - began


def table(name: str, pages: list[Page], found: dict, runs: int) -> None:
    results = {label: [as_bilat_keeps(extract(page)) for page in pages] for label, extract in found.items()}  # also warms up
    if name.startswith("bundled"):
        check_bilat_call(pages, results[PEER])
    seconds = {label: [] for label in found}
    for _ in range(runs):  # interleaved, so a busy moment of the machine falls on every extractor alike
        for label, extract in found.items():
            seconds[label].append(timed(extract, pages))
    dated, datelines = sum(1 for p in pages if p.published), sum(1 for p in pages if p.dateline)
    peer = len(pages) / statistics.median(seconds[PEER])
    print(f"\n{name}: {len(pages)} pages ({dated} show a date" + (f", {datelines} open with a dateline" if datelines else "")
          + f"), {runs} runs, medians")
    header = (f"{'extractor':<31}{'pages/s':>8}{'× traf.':>8}{'precision':>10}{'recall':>8}{'worst page':>11}{'lose >1%':>9}{'no text':>8}"
              f"{'title':>7}{'date':>7}{'author':>7}{'dateline':>9}")
    print(header)
    print("-" * len(header))
    for label in found:
        rate = len(pages) / statistics.median(seconds[label])
        s = score(pages, results[label])
        dash = lambda v: "—" if v is None else str(v)  # noqa: E731
        print(f"{label:<31}{rate:>8.0f}{rate / peer:>8.2f}{s.precision:>10.3f}{s.recall:>8.3f}{s.worst_recall:>11.3f}{s.lossy:>9}"
              f"{s.no_text:>8}{s.title:>7}{dash(s.date):>7}{dash(s.author):>7}{dash(s.dateline):>9}")
    templates = sorted({p.template for p in pages})
    print(f"\n  by layout, precision / recall (pages losing >1 % of their words): "
          f"{', '.join(f'{t} {sum(p.template == t for p in pages)}' for t in templates)} pages")
    print(f"  {'extractor':<31}" + "".join(f"{t:>20}" for t in templates))
    for label in found:
        cells = []
        for t in templates:
            chosen = [i for i, p in enumerate(pages) if p.template == t]
            s = score([pages[i] for i in chosen], [results[label][i] for i in chosen])
            cells.append(f"{s.precision:.3f} / {s.recall:.3f} ({s.lossy})")
        print(f"  {label:<31}" + "".join(f"{c:>20}" for c in cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed passes over each corpus per extractor (median)")
    parser.add_argument("--corpus", type=Path, help="voa-dev.jsonl (default: ../shared/corpora/voa/voa-dev.jsonl)")
    args = parser.parse_args()
    found, missing = extractors()
    print(f"trafilatura {trafilatura.__version__}; Python {sys.version.split()[0]}; one core: {one_core()}")
    for line in missing:
        print(f"not measured: {line}")
    table("bundled pages (bilat/corpus/archive)", bundled_pages(), found, args.runs)
    corpus = args.corpus or voa_corpus(Path(__file__).resolve().parent)
    if corpus is None or not corpus.is_file():
        print("\nno VOA corpus here (../shared/corpora/voa/voa-dev.jsonl); pass --corpus", file=sys.stderr)
        return 0
    table("VOA stories wrapped as pages (../shared/corpora/voa, 5 templates)", voa_pages(corpus), found, args.runs)
    print("\nprecision/recall: words of the text as written found in the extracted main text (bags of lower-cased words);"
          "\nworst page: lowest recall of one page; lose >1%: pages missing more than 1 % of their words;"
          f"\nno text: pages under {MIN_TEXT_CHARS} characters (bilat quarantines them); title/date/author: pages where it was found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
