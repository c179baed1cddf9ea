"""Canonical URLs: one spelling per page, so the same article reached by different links is fetched once.

Pure string work, no network. What is dropped is what never changes the page a server returns for a news
article: the fragment, default ports, tracking parameters, the AMP and mobile renderings, a trailing slash.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

#: Query parameters that only say where a click came from.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid", "smid", "ref", "ref_src", "taid", "s_cid",
    "at_medium", "at_campaign", "_ga", "igshid", "spm",
})
TRACKING_PREFIXES = ("utm_",)

#: Subdomains that serve another rendering of the same site; all collapse onto the bare domain.
VARIANT_SUBDOMAINS = ("www", "m", "mobile", "amp")

DEFAULT_PORTS = {"http": 80, "https": 443}

# RFC 3986 unreserved characters never need escaping; %41 and A are the same URL.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE = "/:@!$&'()*+,;=%"
_QUERY_PART_SAFE = "/:@!$'()*+,;?%"  # '&' and '=' stay escaped inside a key or value


def canonicalize_url(url: str) -> str:
    """The canonical form of an http(s) URL; anything else (another scheme, a URL that cannot be parsed, such as
    ``http://[::1``) comes back only stripped of whitespace, so one bad link never stops a listing.

    >>> canonicalize_url("HTTPS://m.Example.com:443/News/Story/amp/?utm_source=x&b=2&a=1#top")
    'https://example.com/News/Story?a=1&b=2'
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.netloc:
            return url
        netloc = _netloc(parts.netloc, scheme)
    except ValueError:
        return url
    path = _path(parts.path)
    query = _query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _netloc(netloc: str, scheme: str) -> str:
    """Lower-case host without variant subdomains, a trailing dot or the scheme's default port."""
    userinfo, _, hostport = netloc.rpartition("@")
    host, port = _split_port(hostport)
    host = _host(host)
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return f"{userinfo}@{host}" if userinfo else host


def _split_port(hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):  # IPv6 literal: the port, if any, follows the closing bracket
        host, _, rest = hostport.partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
        host += "]"
    else:
        host, _, port_text = hostport.partition(":")
    return host, int(port_text) if port_text.isdigit() else None


def _host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host.startswith("[") or host.replace(".", "").isdigit():
        return host  # an IP address has no subdomains to collapse
    try:
        host = host.encode("idna").decode("ascii")  # one spelling for internationalised names
    except UnicodeError:
        pass
    labels = host.split(".")
    # Keep at least two labels, so m.co stays m.co rather than becoming co.
    while len(labels) > 2 and labels[0] in VARIANT_SUBDOMAINS:
        labels = labels[1:]
    return ".".join(labels)


def _normalise_escapes(text: str, safe: str) -> str:
    """Unescape unreserved characters, upper-case remaining escapes, escape what must be escaped."""
    text = _STRAY_PERCENT.sub("%25", text)
    text = _ESCAPE.sub(lambda m: chr(int(m[1], 16)) if chr(int(m[1], 16)) in _UNRESERVED else f"%{m[1].upper()}", text)
    return quote(text, safe=safe)


def _path(path: str) -> str:
    """Dot segments resolved, AMP segments removed, no trailing slash (the root stays '/')."""
    segments = _remove_dot_segments(_normalise_escapes(path, _PATH_SAFE).split("/"))
    segments = [segment for segment in segments if segment.lower() != "amp"]
    if segments and segments[-1].lower().endswith(".amp"):
        segments[-1] = segments[-1][: -len(".amp")]  # story.amp, as some publishers spell their AMP page
    path = "/".join(segments).rstrip("/")
    return path if path.startswith("/") else "/" + path


def _remove_dot_segments(segments: list[str]) -> list[str]:
    kept: list[str] = []
    for segment in segments:
        if segment == "..":
            if len(kept) > 1:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    return kept


def _query(query: str) -> str:
    """Tracking and AMP parameters dropped, the rest sorted by key (repeated keys keep their order)."""
    params = []
    for pair in query.split("&"):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        if _is_dropped(key, value):
            continue
        params.append((_normalise_escapes(key, _QUERY_PART_SAFE), sep, _normalise_escapes(value, _QUERY_PART_SAFE)))
    params.sort(key=lambda param: param[0])  # stable: a=2&a=1 is not a=1&a=2
    return "&".join(key + sep + value for key, sep, value in params)


def _is_dropped(key: str, value: str) -> bool:
    name = key.lower()
    if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
        return True
    return name == "amp" or (name == "outputtype" and value.lower() == "amp")
