"""Render the bundled bilat corpus into a web-mirror-like archive.

Reads the article YAML files (format: tools/corpus/ARTICLE_FORMAT.md) and the fictional outlets
(tools/corpus/outlets.yaml), validates them, and writes into the output folder (deleted first):

  <host>/<url path>.html   one realistic HTML5 news page per article, laid out per outlet
  feed.xml                 RSS 2.0 feed of the articles with `in_feed: true`, newest first
  sitemap.xml              urlset of every article (lastmod unless the article is fully undated)
  archive.yaml             archive manifest (name, capture time, feed, sitemap)

The output is deterministic: same input, byte-identical output. The only "randomness" (which
other articles a page links to) is seeded by the article slug.

Usage (from the repo root):
  python tools/corpus/build.py [--articles tools/corpus/articles] [--out bilat/corpus/archive]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_ARTICLES = HERE / "articles"
DEFAULT_OUT = REPO / "bilat" / "corpus" / "archive"
OUTLETS_FILE = HERE / "outlets.yaml"

CAPTURED_AT = "2025-12-31T00:00:00+00:00"  # snapshot time of the archive, used as fetch time
KNOWN_DYADS = {("USA", "IRQ"), ("USA", "JOR"), ("IRQ", "TUR"), ("IRQ", "IRN")}
REQUIRED_STR = ("slug", "outlet", "section", "byline", "dateline", "title", "summary", "body")
REQUIRED_BOOL = ("date_in_page", "in_feed")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A leading yyyy-mm[-dd] in the slug is dropped from URLs: outlets put dates in the path themselves.
SLUG_DATE_RE = re.compile(r"^(?:19|20)\d{2}-\d{2}(?:-\d{2})?-")
# What a published date would look like in markup; undated pages are checked against it.
DATE_MARKUP_RE = re.compile(
    r"\d{4}[-/]\d{2}[-/]\d{2}|\d{4}/\d{2}/|datetime=|datePublished|published_time|name=\"date\"")
MOST_READ = 4
RELATED = 3


class BuildError(Exception):
    """An input problem; the message names the file and the field."""


@dataclass
class Article:
    path: Path
    data: dict
    published: datetime
    outlet: dict
    url: str = ""

    def __getattr__(self, key):  # article fields read as attributes: a.title, a.byline, ...
        try:
            return self.__dict__["data"][key]
        except KeyError:
            raise AttributeError(key) from None

    @property
    def dated(self) -> bool:
        return bool(self.data["date_in_page"])


# --------------------------------------------------------------------------- loading & validation

def load_outlets(path: Path) -> tuple[list[str], dict]:
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    need = ("name", "host", "url_pattern", "undated_url_pattern", "date_style",
            "dateline_style", "template", "tagline")
    for key, outlet in cfg["outlets"].items():
        for field in need:
            if not outlet.get(field):
                raise BuildError(f"{path}: outlet {key!r}: missing field {field!r}")
        if re.search(r"\{(yyyy|mm|dd)\}", outlet["undated_url_pattern"]):
            raise BuildError(f"{path}: outlet {key!r}: undated_url_pattern holds a date field")
        if outlet["template"] not in TEMPLATES:
            raise BuildError(f"{path}: outlet {key!r}: unknown template {outlet['template']!r}")
        outlet["key"] = key
        outlet.setdefault("extra_nav", [])
    return cfg["sections"], cfg["outlets"]


def parse_published(value, where: str) -> datetime:
    # PyYAML turns an unquoted timestamp into a datetime already; accept both forms.
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            raise BuildError(f"{where}: field 'published': not an ISO 8601 datetime: {value!r}")
    else:
        raise BuildError(f"{where}: field 'published': not an ISO 8601 datetime: {value!r}")
    if dt.tzinfo is None:
        raise BuildError(f"{where}: field 'published': needs a UTC offset, e.g. +00:00")
    return dt


def validate(path: Path, data, sections: list[str], outlets: dict) -> Article:
    where = str(path)
    if not isinstance(data, dict):
        raise BuildError(f"{where}: not a YAML mapping")
    for field in REQUIRED_STR:
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise BuildError(f"{where}: field {field!r}: missing or not a non-empty string")
    for field in REQUIRED_BOOL:
        if not isinstance(data.get(field), bool):
            raise BuildError(f"{where}: field {field!r}: missing or not true/false")
    if not isinstance(data.get("expected"), dict):
        raise BuildError(f"{where}: field 'expected': missing or not a mapping")
    slug = data["slug"]
    if not SLUG_RE.match(slug):
        raise BuildError(f"{where}: field 'slug': not kebab-case: {slug!r}")
    if path.stem != slug:
        raise BuildError(f"{where}: field 'slug': {slug!r} differs from the file name")
    dyad = data.get("dyad")
    if not (isinstance(dyad, list) and len(dyad) == 2 and all(isinstance(c, str) for c in dyad)):
        raise BuildError(f"{where}: field 'dyad': must be a list of two alpha-3 codes")
    if tuple(dyad) not in KNOWN_DYADS:
        known = ", ".join("/".join(d) for d in sorted(KNOWN_DYADS))
        raise BuildError(f"{where}: field 'dyad': {dyad} is not one of {known}")
    if not slug.startswith(dyad_prefix(dyad)):
        raise BuildError(f"{where}: field 'slug': must start with {dyad_prefix(dyad)!r}")
    if data["outlet"] not in outlets:
        raise BuildError(f"{where}: field 'outlet': unknown outlet {data['outlet']!r}")
    if data["section"] not in sections:
        raise BuildError(f"{where}: field 'section': {data['section']!r} not in {sections}")
    published = parse_published(data.get("published"), where)
    if not data["date_in_page"] and re.search(r"(?:19|20)\d{2}", url_slug(slug, dyad)):
        raise BuildError(f"{where}: field 'slug': date_in_page is false but the URL slug "
                         f"{url_slug(slug, dyad)!r} would show a year")
    return Article(path, data, published, outlets[data["outlet"]])


def load_articles(folder: Path, sections, outlets) -> list[Article]:
    articles, seen = [], {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise BuildError(f"{path}: invalid YAML: {exc}")
        art = validate(path, data, sections, outlets)
        if art.slug in seen:
            raise BuildError(f"{path}: field 'slug': {art.slug!r} already used by {seen[art.slug]}")
        seen[art.slug] = path
        articles.append(art)
    assign_urls(articles)
    return articles


def assign_urls(articles: list[Article]) -> None:
    # Stripping the dyad and date from slugs can make two URLs equal; catch that here.
    owner = {}
    for art in articles:
        art.url = article_url(art)
        if art.url in owner:
            raise BuildError(f"{art.path}: field 'slug': URL {art.url} collides with {owner[art.url]}")
        owner[art.url] = art.path


# --------------------------------------------------------------------------- URLs & dates

def dyad_prefix(dyad) -> str:
    return "-".join(code.lower() for code in dyad) + "-"


def url_slug(slug: str, dyad) -> str:
    rest = slug[len(dyad_prefix(dyad)):]
    return SLUG_DATE_RE.sub("", rest) or rest


def article_url(art: Article) -> str:
    o, p = art.outlet, art.published
    pattern = o["url_pattern"] if art.dated else o["undated_url_pattern"]
    path = pattern.format(section=art.section.lower(), yyyy=f"{p.year:04d}", mm=f"{p.month:02d}",
                          dd=f"{p.day:02d}", slug=url_slug(art.slug, art.dyad),
                          hash6=hashlib.sha1(art.slug.encode()).hexdigest()[:6])
    return f"https://{o['host']}{path}"


def page_file(out: Path, url: str) -> Path:
    # Mirror layout: host/path, always with .html appended to the last segment.
    host_and_path = url.split("://", 1)[1]
    return out / (host_and_path.rstrip("/") + ".html")


def long_date(d: date) -> str:
    return f"{d:%A}, {d:%B} {d.day}, {d.year}"


def ap_date(d: date) -> str:
    # AP-style month abbreviations, as a US wire service prints them.
    months = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec."]
    return f"{months[d.month - 1]} {d.day}, {d.year}"


def clock(dt: datetime) -> str:
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d} {'a.m.' if dt.hour < 12 else 'p.m.'}"


def tz_label(dt: datetime) -> str:
    hours = dt.utcoffset().total_seconds() / 3600
    return "GMT" if hours == 0 else f"GMT{hours:+g}"


# --------------------------------------------------------------------------- shared HTML pieces

def esc(text) -> str:
    return html.escape(str(text), quote=True)


def paragraphs(art: Article) -> list[str]:
    # Paragraphs are separated by blank lines; line breaks inside one are just wrapping.
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", art.body.strip()) if p.strip()]


def body_html(art: Article, indent: str) -> str:
    paras = [esc(p) for p in paragraphs(art)]
    if art.outlet["dateline_style"] == "span":
        lead = f'<span class="dateline">{esc(art.dateline)}</span> — '
    else:
        lead = f"{esc(art.dateline)} — "
    paras[0] = lead + paras[0]
    return "\n".join(f"{indent}<p>{p}</p>" for p in paras)


def head_common(art: Article, extra: str = "") -> str:
    o = art.outlet
    return f"""<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(art.title)} | {esc(o['name'])}</title>
<meta name="description" content="{esc(art.summary)}">
<meta name="author" content="{esc(art.byline)}">
<link rel="canonical" href="{esc(art.url)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(art.title)}">
<meta property="og:description" content="{esc(art.summary)}">
<meta property="og:url" content="{esc(art.url)}">
<meta property="og:site_name" content="{esc(o['name'])}">
<meta name="twitter:card" content="summary_large_image">{extra}
<link rel="icon" href="/favicon.ico">"""


def nav_items(art: Article, sections: list[str]) -> list[tuple[str, str]]:
    names = list(sections) + list(art.outlet["extra_nav"])
    return [(name, f"/{name.lower()}/") for name in names]


def share_links(art: Article) -> list[tuple[str, str, str]]:
    u, t = quote(art.url, safe=""), quote(art.title, safe="")
    return [
        ("facebook", "Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("x", "X", f"https://twitter.com/intent/tweet?url={u}&text={t}"),
        ("whatsapp", "WhatsApp", f"https://wa.me/?text={t}%20{u}"),
        ("email", "Email", f"mailto:?subject={t}&body={u}"),
    ]


def author_href(art: Article) -> str:
    return "/authors/" + re.sub(r"[^a-z0-9]+", "-", art.byline.lower()).strip("-") + "/"


def copyright_line(art: Article, rights: str) -> str:
    year = f" {art.published.year}" if art.dated else ""
    return f"©{year} {esc(art.outlet['name'])}. {rights}"


def link_items(items: list[Article], indent: str, li_class: str = "") -> str:
    cls = f' class="{li_class}"' if li_class else ""
    return "\n".join(f'{indent}<li{cls}><a href="{esc(a.url)}">{esc(a.title)}</a></li>'
                     for a in items)


def related_fallback(art: Article, indent: str) -> str:
    # Used when no linkable sibling exists, so the box never renders empty.
    sec = art.section
    return f'{indent}<li><a href="/{sec.lower()}/">More {esc(sec)} coverage</a></li>'


def cookie_text(o: dict) -> str:
    return (f"{esc(o['name'])} uses cookies to run this site, measure traffic and personalise "
            "content. You can change your choice at any time in Privacy settings.")


# --------------------------------------------------------------------------- picking links

def pick_links(art: Article, siblings: list[Article]) -> tuple[list[Article], list[Article]]:
    """Most-read and related lists for a page, chosen deterministically (seeded by slug).

    Undated pages only link to pages whose URL holds no date, so no date leaks into them.
    """
    pool = [a for a in siblings if a.slug != art.slug]
    if not art.dated:
        pool = [a for a in pool if not re.search(r"/\d{4}/", a.url)]
    # Related coverage favours stories on the same pair of countries, then nearby in time.
    by_closeness = sorted(pool, key=lambda a: (a.dyad != art.dyad,
                                               abs((a.published - art.published).total_seconds()),
                                               a.slug))
    related = by_closeness[:RELATED]
    # Most read is a seeded shuffle of the others, topped up from related on small outlets.
    rng = random.Random(int(hashlib.sha1(art.slug.encode()).hexdigest(), 16))
    others = [a for a in sorted(pool, key=lambda a: a.slug) if a not in related]
    rng.shuffle(others)
    most_read = (others + related)[:MOST_READ]
    return most_read, related


# --------------------------------------------------------------------------- outlet templates

def render_ledger(art: Article, sections, most_read, related) -> str:
    """The Tigris Ledger: broadsheet layout, article:published_time meta and a visible date."""
    o, p = art.outlet, art.published
    extra = f'\n<meta property="article:section" content="{esc(art.section)}">'
    date_line = ""
    if art.dated:
        extra += f'\n<meta property="article:published_time" content="{p.isoformat()}">'
        date_line = f'\n          <span class="story-meta__date">{long_date(p)}</span>'
    nav = "\n".join(f'        <li class="main-nav__item"><a href="{h}">{esc(n)}</a></li>'
                    for n, h in nav_items(art, sections))
    share = "\n".join(f'        <li><a class="share-btn share-btn--{k}" href="{esc(h)}" '
                      f'rel="noopener" target="_blank">{lbl}</a></li>'
                      for k, lbl, h in share_links(art))
    rel = link_items(related, "          ") or related_fallback(art, "          ")
    top = link_items(most_read, "          ", "most-read__item")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{head_common(art, extra)}
<link rel="stylesheet" href="/static/css/ledger.min.css">
</head>
<body class="ledger article-page section-{art.section.lower()}">
  <div id="cookie-consent" class="cookie-consent" role="dialog" aria-live="polite">
    <p>{cookie_text(o)}</p>
    <button type="button" class="cookie-consent__accept">Accept all</button>
    <button type="button" class="cookie-consent__manage">Manage choices</button>
  </div>
  <header class="site-header">
    <div class="masthead">
      <a class="masthead__logo" href="/"><img src="/static/img/ledger-logo.svg" alt="{esc(o['name'])}" width="240" height="40"></a>
      <p class="masthead__tagline">{esc(o['tagline'])}</p>
      <a class="masthead__subscribe" href="/subscribe/">Subscribe</a>
    </div>
    <nav class="main-nav" aria-label="Sections">
      <ul class="main-nav__list">
{nav}
      </ul>
    </nav>
  </header>
  <main id="content" class="page-wrap">
    <nav class="breadcrumb" aria-label="Breadcrumb">
      <ol>
        <li><a href="/">Home</a></li>
        <li><a href="/{art.section.lower()}/">{esc(art.section)}</a></li>
      </ol>
    </nav>
    <div class="layout layout--two-col">
      <article class="story">
        <header class="story-head">
          <a class="story-head__kicker" href="/{art.section.lower()}/">{esc(art.section)}</a>
          <h1 class="story-head__headline">{esc(art.title)}</h1>
          <p class="story-head__standfirst">{esc(art.summary)}</p>
        </header>
        <div class="story-meta">
          <span class="story-meta__byline">By <a rel="author" href="{author_href(art)}">{esc(art.byline)}</a></span>{date_line}
        </div>
        <ul class="share-bar" aria-label="Share this article">
{share}
        </ul>
        <div class="story-body">
{body_html(art, "          ")}
        </div>
        <aside class="related-box" aria-labelledby="related-title">
          <h2 id="related-title">Related coverage</h2>
          <ul>
{rel}
          </ul>
        </aside>
      </article>
      <aside class="sidebar">
        <section class="most-read">
          <h2 class="most-read__title">Most read</h2>
          <ol class="most-read__list">
{top}
          </ol>
        </section>
        <section class="newsletter-box">
          <h2>The Ledger Briefing</h2>
          <p>Our editors' pick of the day's news from Iraq and the region, every weekday morning.</p>
          <form class="newsletter-form" action="/newsletters/subscribe" method="post">
            <label for="nl-email">Email address</label>
            <input type="email" id="nl-email" name="email" placeholder="you@example.com" required>
            <input type="hidden" name="list" value="briefing">
            <button type="submit">Sign up</button>
          </form>
        </section>
      </aside>
    </div>
  </main>
  <footer class="site-footer">
    <nav class="site-footer__links" aria-label="Footer">
      <a href="/about/">About us</a>
      <a href="/contact/">Contact</a>
      <a href="/privacy/">Privacy policy</a>
      <a href="/terms/">Terms of use</a>
    </nav>
    <p class="site-footer__copyright">{copyright_line(art, "All rights reserved.")}</p>
  </footer>
</body>
</html>
"""


def render_wire(art: Article, sections, most_read, related) -> str:
    """Potomac Wire: wire-service layout, <time datetime> in the byline, plain dateline."""
    o, p = art.outlet, art.published
    time_el = ""
    if art.dated:
        time_el = (f'\n            <span class="pw-sep" aria-hidden="true">·</span>'
                   f'\n            <time class="pw-timestamp" datetime="{p.isoformat()}">'
                   f'{ap_date(p)}, {clock(p)} {tz_label(p)}</time>')
    nav = "\n".join(f'    <a class="pw-nav__link" href="{h}">{esc(n)}</a>'
                    for n, h in nav_items(art, sections))
    share = "\n".join(f'          <a class="pw-share__btn" data-network="{k}" href="{esc(h)}">'
                      f'Share on {lbl}</a>' if k != "email" else
                      f'          <a class="pw-share__btn" data-network="{k}" href="{esc(h)}">Email</a>'
                      for k, lbl, h in share_links(art))
    rel = link_items(related, "            ") or related_fallback(art, "            ")
    top = link_items(most_read, "          ", "pw-trending__item")
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{head_common(art)}
<link rel="stylesheet" href="/assets/pw-main.css">
<script defer src="/assets/pw-main.js"></script>
</head>
<body class="pw-body pw-article">
  <div class="pw-gdpr" id="pw-gdpr-banner" hidden>
    <span class="pw-gdpr__text">{cookie_text(o)}</span>
    <button class="pw-gdpr__ok" type="button">OK</button>
  </div>
  <div class="pw-topbar">
    <a class="pw-logo" href="/" title="{esc(o['name'])} home"><svg class="pw-logo__mark" viewBox="0 0 120 24" role="img" aria-label="{esc(o['name'])}"><text x="0" y="18">POTOMAC WIRE</text></svg></a>
    <span class="pw-tagline">{esc(o['tagline'])}</span>
    <form class="pw-search" action="/search" role="search"><input type="search" name="q" aria-label="Search"></form>
  </div>
  <nav class="pw-nav" role="navigation">
{nav}
  </nav>
  <div class="pw-container">
    <div class="pw-crumbs"><a href="/">News</a> › <a href="/{art.section.lower()}/">{esc(art.section)}</a></div>
    <div class="pw-grid">
      <div class="pw-main">
        <article class="pw-story" itemscope itemtype="https://schema.org/NewsArticle">
          <h1 class="pw-story__title" itemprop="headline">{esc(art.title)}</h1>
          <h2 class="pw-story__dek">{esc(art.summary)}</h2>
          <div class="pw-story__byline">
            By <span class="pw-author" itemprop="author">{esc(art.byline)}</span>{time_el}
          </div>
          <div class="pw-story__text" itemprop="articleBody">
{body_html(art, "            ")}
          </div>
          <div class="pw-story__tags">Filed under: <a href="/{art.section.lower()}/">{esc(art.section)}</a></div>
        </article>
        <div class="pw-share" role="group" aria-label="Share">
{share}
        </div>
        <div class="pw-more">
          <h3 class="pw-more__title">Related coverage</h3>
          <ul class="pw-more__list">
{rel}
          </ul>
        </div>
      </div>
      <div class="pw-rail">
        <h3 class="pw-rail__title">Most read</h3>
        <ol class="pw-trending">
{top}
        </ol>
        <div class="pw-signup">
          <h3>Get the Wire Daily</h3>
          <form action="/signup" method="post" class="pw-signup__form">
            <input type="email" name="email" aria-label="Your email" placeholder="Your email" required>
            <button class="pw-signup__btn" type="submit">Subscribe</button>
          </form>
          <small>Free. Unsubscribe anytime.</small>
        </div>
      </div>
    </div>
  </div>
  <div class="pw-footer">
    <ul class="pw-footer__nav">
      <li><a href="/about">About Potomac Wire</a></li>
      <li><a href="/contact">Contact us</a></li>
      <li><a href="/corrections">Corrections</a></li>
      <li><a href="/privacy">Privacy</a></li>
    </ul>
    <div class="pw-footer__legal">{copyright_line(art, "All rights reserved. This material may not be republished without permission.")}</div>
  </div>
</body>
</html>
"""


def render_monitor(art: Article, sections, most_read, related) -> str:
    """Levant Monitor: magazine layout; the date lives only in a JSON-LD NewsArticle block."""
    o, p = art.outlet, art.published
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": art.title,
        "description": art.summary,
        "articleSection": art.section,
        "mainEntityOfPage": {"@type": "WebPage", "@id": art.url},
        "author": [{"@type": "Person", "name": art.byline}],
        "publisher": {"@type": "Organization", "name": o["name"],
                      "logo": {"@type": "ImageObject",
                               "url": f"https://{o['host']}/img/lm-logo.png"}},
    }
    if art.dated:
        ld["datePublished"] = p.isoformat()
    ld_json = json.dumps(ld, ensure_ascii=False, indent=2).replace("</", "<\\/")
    words = sum(len(x.split()) for x in paragraphs(art))
    nav = "\n".join(f'        <li><a href="{h}">{esc(n)}</a></li>' for n, h in nav_items(art, sections))
    share = "\n".join(f'      <a class="lm-share lm-share-{k}" href="{esc(h)}" aria-label="Share on {lbl}">'
                      f'<i class="lm-icon-{k}"></i></a>' for k, lbl, h in share_links(art))
    rel = link_items(related, "        ") or related_fallback(art, "        ")
    top = "\n".join(f'        <li><span class="lm-rank">{i}</span> <a href="{esc(a.url)}">{esc(a.title)}</a></li>'
                    for i, a in enumerate(most_read, 1))
    return f"""<!doctype html>
<html lang="en" dir="ltr">
<head>
{head_common(art)}
<script type="application/ld+json">
{ld_json}
</script>
<link rel="stylesheet" href="/css/lm.bundle.css">
</head>
<body id="lm" class="lm-article">
<section id="lm-cookies" class="lm-cookie-notice">
  <p>{cookie_text(o)} <a href="/cookie-policy">Learn more</a></p>
  <button id="lm-cookies-accept">I agree</button>
</section>
<div class="lm-shell">
  <header id="lm-header">
    <div class="lm-brand">
      <a href="/" class="lm-brand-logo"><img src="/img/lm-logo.png" alt="{esc(o['name'])}"></a>
      <span class="lm-brand-tagline">{esc(o['tagline'])}</span>
    </div>
    <nav id="lm-menu" class="lm-menu">
      <button class="lm-menu-toggle" aria-expanded="false">Menu</button>
      <ul>
{nav}
      </ul>
    </nav>
  </header>
  <div class="lm-columns">
    <div class="lm-primary">
      <ul class="lm-breadcrumbs">
        <li><a href="/">Levant Monitor</a></li>
        <li><a href="/{art.section.lower()}/">{esc(art.section)}</a></li>
      </ul>
      <article id="lm-story" class="lm-story lm-story--{art.section.lower()}">
        <div class="lm-story-header">
          <h1 class="lm-title">{esc(art.title)}</h1>
          <div class="lm-lede">{esc(art.summary)}</div>
          <div class="lm-credits">
            <span class="lm-author">By {esc(art.byline)}</span>
            <span class="lm-readtime">{max(1, round(words / 220))} min read</span>
          </div>
        </div>
        <div class="lm-story-body">
{body_html(art, "          ")}
        </div>
      </article>
      <div class="lm-share-row">
{share}
      </div>
      <section class="lm-related">
        <h4>Related coverage</h4>
        <ul>
{rel}
        </ul>
      </section>
    </div>
    <aside class="lm-secondary">
      <div class="lm-widget lm-popular">
        <h4>Most read</h4>
        <ol>
{top}
        </ol>
      </div>
      <div class="lm-widget lm-newsletter">
        <h4>Monitor Weekly</h4>
        <p>Analysis from our correspondents across the region, in your inbox every Sunday.</p>
        <form method="post" action="/subscribe">
          <input name="EMAIL" type="email" placeholder="Email address" aria-label="Email address">
          <input type="submit" value="Subscribe">
        </form>
      </div>
    </aside>
  </div>
  <footer id="lm-footer">
    <div class="lm-footer-links">
      <a href="/about-us">About</a> | <a href="/contact-us">Contact</a> | <a href="/privacy-policy">Privacy</a> | <a href="/advertise">Advertise</a>
    </div>
    <div class="lm-footer-copy">{copyright_line(art, "Levant Monitor is an independent publication.")}</div>
  </footer>
</div>
</body>
</html>
"""


def render_chronicle(art: Article, sections, most_read, related) -> str:
    """The Gulf Chronicle: table-free legacy layout, <meta name="date"> and a Published line."""
    o, p = art.outlet, art.published
    extra, published = "", ""
    if art.dated:
        extra = f'\n<meta name="date" content="{p.isoformat()}">'
        published = (f'\n        <div class="published">Published {p.day} {p:%B %Y}, '
                     f'{p:%H:%M} {tz_label(p)}</div>')
    nav = "\n".join(f'      <li class="menu-item"><a href="{h}">{esc(n)}</a></li>'
                    for n, h in nav_items(art, sections))
    share = " ".join(f'<a href="{esc(h)}" class="btn-{k}">{lbl}</a>' for k, lbl, h in share_links(art))
    rel = link_items(related, "          ") or related_fallback(art, "          ")
    top = link_items(most_read, "        ")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{head_common(art, extra)}
<meta name="keywords" content="{esc(art.section)}, {esc(', '.join(art.dyad))}">
<link rel="stylesheet" type="text/css" href="/static/gc/style.css">
</head>
<body class="single single-story">
<div id="wrapper">
  <div id="cookie-bar" class="cookie-bar">
    {cookie_text(o)}
    <a href="#" class="cookie-bar-close">Close</a>
  </div>
  <div id="header">
    <div id="logo"><a href="/"><img src="/static/gc/logo.png" alt="{esc(o['name'])}"></a></div>
    <div id="strapline">{esc(o['tagline'])}</div>
  </div>
  <div id="menu">
    <ul class="menu">
{nav}
    </ul>
  </div>
  <div id="container">
    <div id="content">
      <p id="crumbs"><a href="/">Home</a> &raquo; <a href="/{art.section.lower()}/">{esc(art.section)}</a> &raquo; <span>{esc(art.title)}</span></p>
      <article class="post">
        <h1 class="entry-title">{esc(art.title)}</h1>
        <p class="intro"><strong>{esc(art.summary)}</strong></p>
        <div class="author">By {esc(art.byline)}</div>{published}
        <div class="entry-content">
{body_html(art, "          ")}
        </div>
        <div class="share">Share: {share}</div>
        <div class="related-stories">
          <h3>Related coverage</h3>
          <ul>
{rel}
          </ul>
        </div>
      </article>
    </div>
    <div id="sidebar">
      <h3 class="widget-title">Most read</h3>
      <ul class="most-popular">
{top}
      </ul>
      <div class="widget newsletter">
        <h3 class="widget-title">Newsletter</h3>
        <form action="/newsletter" method="get">
          <p>Sign up for the Chronicle morning edition.</p>
          <input type="text" name="email" value="" placeholder="Your e-mail">
          <input type="submit" value="Sign up">
        </form>
      </div>
    </div>
  </div>
  <div id="footer">
    <p><a href="/about">About the Chronicle</a> &middot; <a href="/contact">Contact</a> &middot; <a href="/privacy">Privacy &amp; cookies</a></p>
    <p class="copyright">{copyright_line(art, "All rights reserved.")}</p>
  </div>
</div>
</body>
</html>
"""


TEMPLATES = {"ledger": render_ledger, "wire": render_wire,
             "monitor": render_monitor, "chronicle": render_chronicle}


# --------------------------------------------------------------------------- feed, sitemap, manifest

def render_feed(articles: list[Article]) -> str:
    items = sorted((a for a in articles if a.in_feed),
                   key=lambda a: (-a.published.timestamp(), a.slug))
    newest = format_datetime(items[0].published) if items else None
    parts = []
    for a in items:
        parts.append(f"""    <item>
      <title>{xml_escape(a.title)}</title>
      <link>{xml_escape(a.url)}</link>
      <guid isPermaLink="true">{xml_escape(a.url)}</guid>
      <description>{xml_escape(a.summary)}</description>
      <category>{xml_escape(a.section)}</category>
      <pubDate>{format_datetime(a.published)}</pubDate>
      <dc:creator>{xml_escape(a.byline)}</dc:creator>
    </item>""")
    build_date = f"\n    <lastBuildDate>{newest}</lastBuildDate>" if newest else ""
    body = "\n".join(parts)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>bilat bundled corpus</title>
    <link>https://corpus.bilat.example/</link>
    <description>Articles of the bilat bundled corpus, written by the bilat authors.</description>
    <language>en</language>{build_date}
{body}
  </channel>
</rss>
"""


def render_sitemap(articles: list[Article]) -> str:
    rows = []
    for a in sorted(articles, key=lambda a: a.url):
        # Fully undated articles (not in the page, not in the feed) get no lastmod either.
        has_date = a.dated or a.in_feed
        lastmod = f"\n    <lastmod>{a.published.date().isoformat()}</lastmod>" if has_date else ""
        rows.append(f"  <url>\n    <loc>{xml_escape(a.url)}</loc>{lastmod}\n  </url>")
    body = "\n".join(rows)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
"""


def render_manifest() -> str:
    return f"""# The bilat bundled corpus: every article is written by the bilat authors, in their own words,
# for fictional outlets. Rendered by tools/corpus/build.py from tools/corpus/articles/; do not edit.
name: bilat-bundled
captured_at: "{CAPTURED_AT}"
feed: feed.xml
sitemap: sitemap.xml
"""


# --------------------------------------------------------------------------- main

def reset_out(out: Path) -> None:
    # Refuse to wipe a folder that does not look like an archive we wrote (guards a bad --out).
    if out.exists():
        if any(out.iterdir()) and not (out / "archive.yaml").exists():
            raise BuildError(f"{out}: not empty and has no archive.yaml; refusing to delete it")
        shutil.rmtree(out)
    out.mkdir(parents=True)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def build(articles_dir: Path, out: Path) -> dict[str, int]:
    sections, outlets = load_outlets(OUTLETS_FILE)
    articles = load_articles(articles_dir, sections, outlets)
    by_outlet = {key: [a for a in articles if a.outlet["key"] == key] for key in outlets}
    reset_out(out)
    for art in articles:
        most_read, related = pick_links(art, by_outlet[art.outlet["key"]])
        page = TEMPLATES[art.outlet["template"]](art, sections, most_read, related)
        if not art.dated and DATE_MARKUP_RE.search(page):
            found = DATE_MARKUP_RE.search(page).group(0)
            raise BuildError(f"{art.path}: field 'date_in_page': page still shows a date ({found!r})")
        write(page_file(out, art.url), page)
    write(out / "feed.xml", render_feed(articles))
    write(out / "sitemap.xml", render_sitemap(articles))
    write(out / "archive.yaml", render_manifest())
    return {key: len(items) for key, items in by_outlet.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="folder of article YAMLs")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="archive folder (recreated)")
    args = ap.parse_args(argv)
    try:
        counts = build(args.articles, args.out)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key, n in counts.items():
        print(f"{key:16} {n:4d} articles")
    print(f"{'total':16} {sum(counts.values()):4d} articles -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
