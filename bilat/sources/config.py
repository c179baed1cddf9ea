"""The sources file: a YAML list of where documents come from, validated before anything is fetched.

    sources:
      - name: state-press            # unique, lower-case letters, digits and hyphens
        kind: rss                    # rss, sitemap, urls, gdelt or archive
        url: https://www.state.gov/rss-feed/press-releases/feed/

Every source has ``name``, ``kind``, ``enabled`` (true), ``allow_hosts`` (hosts that may resolve to private or
loopback addresses; none), ``respect_robots`` (true), ``rate_per_second`` (1.0), ``max_bytes`` (5 MB),
``max_items`` (100,000 URLs per listing), ``max_documents`` (500 fetched per run), ``timeout_s`` (15 s) and
``max_retries`` (3); each
kind adds its own fields (see the models below and sources.example.yaml). Relative paths are relative to the
sources file, not to the working directory, so a sources file and its URL lists can move together.

Every problem is reported at once, as one SourcesError whose lines name the file, the source (by index and
name) and the field, e.g. ``sources.yaml: sources[2] (name 'potomac'): field 'kind': must be one of rss,
sitemap, urls, gdelt, archive (got 'rss2')``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, Union
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bilat import settings

SOURCE_KINDS = ("rss", "sitemap", "urls", "gdelt", "archive")

#: GDELT's DOC 2.0 API, and the pause it asks clients to leave between requests.
GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
GDELT_MIN_INTERVAL_S = 5.0
GDELT_MAX_RECORDS = 250

_NAME = re.compile(r"[a-z0-9-]+")


class SourcesError(ValueError):
    """The sources file cannot be used. ``problems`` holds one line per problem; str() joins them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


# ---------------------------------------------------------------------------------------------------- checks


def check_http_url(url: str) -> str:
    """The URL, stripped, if it is an absolute http(s) URL with a host; ValueError otherwise."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
    except ValueError:  # e.g. a malformed IPv6 literal
        ok = False
    if not ok or any(c.isspace() for c in url):
        raise ValueError(f"must be an http(s) URL (got {url!r})")
    return url


def is_private_host(host: str, allow_hosts: Iterable[str] = ()) -> bool:
    """True for localhost, a private/loopback/link-local IP literal, or a host the source allows as private.

    No DNS lookup: this is a check on the configuration, not on where the name resolves today.
    """
    host = host.lower().strip("[]").rstrip(".")
    if host in {h.lower() for h in allow_hosts} or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def read_url_file(path: Path) -> list[str]:
    """The URLs in a text file: one per line; blank lines and # comments (whole-line or trailing) skipped.

    ValueError names the file and the line of the first bad URL.
    """
    urls = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}): save it as UTF-8") from None
    for number, line in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*", "", line).strip()  # a '#' inside a URL (a fragment) is not a comment
        if not line:
            continue
        try:
            urls.append(check_http_url(line))
        except ValueError as exc:
            raise ValueError(f"{path.name} line {number}: {exc}") from None
    return urls


def _resolve(path: Path, info: ValidationInfo) -> Path:
    """A path from the sources file, made absolute against the file's folder (or the working directory)."""
    base = (info.context or {}).get("base_dir") or Path.cwd()
    return (Path(base) / path.expanduser()).resolve()


# ---------------------------------------------------------------------------------------------------- models

#: A URL kept as written (stripped), unlike pydantic's HttpUrl, which would rewrite it.
HttpUrlText = Annotated[str, AfterValidator(check_http_url)]


class _Source(BaseModel):
    """Fields every kind of source has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    enabled: bool = True
    allow_hosts: tuple[str, ...] = ()
    respect_robots: bool = True
    rate_per_second: float = Field(1.0, gt=0)
    max_bytes: int = Field(5_000_000, gt=0)
    max_items: int = Field(100_000, gt=0)  # URLs kept from one listing (a feed, a sitemap and its children)
    max_documents: int = Field(500, gt=0)  # documents fetched per run; the rest are deferred to later runs
    timeout_s: float = Field(15.0, gt=0)  # read timeout; a whole attempt may take three times as long
    max_retries: int = Field(3, ge=0)  # retries on connection errors, timeouts, 429 and 5xx

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _NAME.fullmatch(name):
            raise ValueError(f"must be lower-case letters, digits and hyphens (got {name!r})")
        return name

    @field_validator("allow_hosts")
    @classmethod
    def _hosts(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        for host in hosts:
            if not host.strip() or "/" in host or "@" in host or any(c.isspace() for c in host.strip()):
                raise ValueError(f"must list host names or IP addresses, not URLs (got {host!r})")
        return tuple(host.strip().lower() for host in hosts)


class RssSpec(_Source):
    """An RSS 2.0 or Atom feed; its items' dates travel with their URLs."""

    kind: Literal["rss"]
    url: HttpUrlText


class SitemapSpec(_Source):
    """A sitemap: a urlset of articles, or a sitemap index whose entries are urlsets."""

    kind: Literal["sitemap"]
    url: HttpUrlText


class UrlsSpec(_Source):
    """A fixed list of article URLs, given inline (``urls``) or in a text file (``file``), not both."""

    kind: Literal["urls"]
    urls: tuple[HttpUrlText, ...] | None = None
    file: Path | None = None

    @field_validator("urls")
    @classmethod
    def _urls(cls, urls: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if urls is not None and not urls:
            raise ValueError("must list at least one URL")
        return urls

    @field_validator("file")
    @classmethod
    def _file(cls, file: Path | None, info: ValidationInfo) -> Path | None:
        if file is None:
            return None
        path = _resolve(file, info)
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        if not read_url_file(path):  # also checks every line now, not at fetch time
            raise ValueError(f"{path.name} lists no URLs")
        return path

    @model_validator(mode="after")
    def _one_of(self) -> UrlsSpec:
        if (self.urls is None) == (self.file is None):
            given = "both" if self.urls is not None else "neither"
            raise ValueError(f"fields 'urls' and 'file': give exactly one of them (got {given})")
        return self

    def all_urls(self) -> list[str]:
        """The URLs to fetch, read from the file each time so edits to it are picked up."""
        return list(self.urls) if self.urls is not None else read_url_file(self.file)


class GdeltSpec(_Source):
    """Articles matching a GDELT DOC 2.0 API query."""

    kind: Literal["gdelt"]
    query: str
    base_url: HttpUrlText = GDELT_DOC_API
    min_interval_s: float = GDELT_MIN_INTERVAL_S
    maxrecords: int = Field(GDELT_MAX_RECORDS, ge=1, le=GDELT_MAX_RECORDS)

    @field_validator("query")
    @classmethod
    def _query(cls, query: str) -> str:
        if not query.strip():
            raise ValueError("must not be blank")
        return query.strip()

    @field_validator("min_interval_s")
    @classmethod
    def _interval(cls, interval: float, info: ValidationInfo) -> float:
        # Fields are validated in order, so base_url and allow_hosts are in info.data unless they were invalid.
        if interval < 0:
            raise ValueError(f"must not be negative (got {interval:g})")
        host = urlsplit(info.data.get("base_url", GDELT_DOC_API)).hostname or ""
        if interval < GDELT_MIN_INTERVAL_S and not is_private_host(host, info.data.get("allow_hosts", ())):
            raise ValueError(
                f"must be at least {GDELT_MIN_INTERVAL_S:g} seconds, as GDELT asks, unless base_url points at a "
                f"private or loopback host (got {interval:g} for {host!r})"
            )
        return interval


class ArchiveSpec(_Source):
    """A local archive: a folder with an archive.yaml, a feed, a sitemap and a web mirror."""

    kind: Literal["archive"]
    path: Path

    @field_validator("path")
    @classmethod
    def _path(cls, path: Path, info: ValidationInfo) -> Path:
        folder = _resolve(path, info)
        if not folder.is_dir():
            raise ValueError(f"no such folder: {folder}")
        if not (folder / "archive.yaml").is_file():
            raise ValueError(f"{folder} is not an archive: it has no archive.yaml")
        return folder


SourceSpec = Annotated[Union[RssSpec, SitemapSpec, UrlsSpec, GdeltSpec, ArchiveSpec], Field(discriminator="kind")]
_SOURCE = TypeAdapter(SourceSpec)
_MODELS: dict[str, type[_Source]] = {
    "rss": RssSpec, "sitemap": SitemapSpec, "urls": UrlsSpec, "gdelt": GdeltSpec, "archive": ArchiveSpec,
}


# ---------------------------------------------------------------------------------------------------- loading


def load_sources(path: str | Path) -> list[SourceSpec]:
    """Every source in a sources file, in file order (disabled ones included: callers filter on ``enabled``)."""
    label = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError([f"{label}: cannot read the sources file: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise SourcesError([f"{label}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}): "
                            "save the file as UTF-8"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesError([f"{label}: not valid YAML: {' '.join(str(exc).split())}"]) from None
    return parse_sources(data, label=label, base_dir=Path(path).absolute().parent)


def parse_sources(data: Any, label: str = "sources", base_dir: Path | None = None) -> list[SourceSpec]:
    """Validate an already-parsed sources document; ``label`` names it in messages, ``base_dir`` anchors paths."""
    entries = _entries(data, label)
    specs, problems = [], []
    for index, entry in enumerate(entries):
        where = _where(label, index, entry)
        try:
            specs.append((index, _validate_entry(entry, base_dir)))
        except ValidationError as exc:
            problems += [f"{where}: {_describe(error, entry)}" for error in exc.errors(include_url=False)]
        except _EntryError as exc:
            problems.append(f"{where}: {exc}")
    problems += _duplicate_names(specs, label)
    if problems:
        raise SourcesError(problems)
    return [spec for _, spec in specs]


def default_sources() -> list[SourceSpec]:
    """What runs when no sources file is given: the corpus bundled with bilat."""
    return [_SOURCE.validate_python({"name": "bundled", "kind": "archive", "path": settings.bundled_archive()})]


class _EntryError(ValueError):
    """A source entry that is not even a mapping with a known kind."""


def _entries(data: Any, label: str) -> list[Any]:
    if not isinstance(data, dict):
        raise SourcesError([f"{label}: must be a mapping with a 'sources' list (got {_type_name(data)})"])
    problems = [f"{label}: field {key!r}: unknown top-level field (only 'sources')" for key in data if key != "sources"]
    entries = data.get("sources")
    if entries is None:
        problems.append(f"{label}: field 'sources': required (a list of sources)")
    elif not isinstance(entries, list):
        problems.append(f"{label}: field 'sources': must be a list (got {_type_name(entries)})")
    elif not entries:
        problems.append(f"{label}: field 'sources': lists no sources")
    if problems:
        raise SourcesError(problems)
    return entries


def _validate_entry(entry: Any, base_dir: Path | None) -> SourceSpec:
    if not isinstance(entry, dict):
        raise _EntryError(f"must be a mapping of fields (got {_type_name(entry)})")
    kind = entry.get("kind")
    if kind is None:
        raise _EntryError(f"field 'kind': required, one of {', '.join(SOURCE_KINDS)}")
    if kind not in SOURCE_KINDS:
        raise _EntryError(f"field 'kind': must be one of {', '.join(SOURCE_KINDS)} (got {kind!r})")
    return _SOURCE.validate_python(entry, context={"base_dir": base_dir})


def _where(label: str, index: int, entry: Any) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"{label}: sources[{index}]" + (f" (name {name!r})" if isinstance(name, str) else "")


def _describe(error: dict, entry: dict) -> str:
    """One pydantic error as 'field X: what is wrong (got ...)'."""
    kind, loc = entry.get("kind"), list(error["loc"])
    if loc and loc[0] == kind:  # the discriminated union puts the tag first
        loc = loc[1:]
    message = _message(error, kind)
    if not loc:  # a check across fields: its message names them
        return message
    field = str(loc[0]) + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[1:])
    return f"field {field!r}: {message}"


def _message(error: dict, kind: str) -> str:
    kind_of = error["type"]
    if kind_of == "missing":
        return "required"
    if kind_of == "extra_forbidden":
        allowed = ", ".join(sorted(_MODELS[kind].model_fields))
        return f"unknown field for kind {kind} (allowed: {allowed})"
    if kind_of == "value_error":
        return error["msg"].removeprefix("Value error, ")
    message = error["msg"]
    return f"{message[:1].lower()}{message[1:]} (got {error['input']!r})"


def _duplicate_names(specs: list[tuple[int, SourceSpec]], label: str) -> list[str]:
    first: dict[str, int] = {}
    problems = []
    for index, spec in specs:
        if spec.name in first:
            where = f"{label}: sources[{index}] (name {spec.name!r})"
            problems.append(f"{where}: field 'name': already used by sources[{first[spec.name]}]")
        first.setdefault(spec.name, index)
    return problems


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string"}.get(type(value), type(value).__name__)
