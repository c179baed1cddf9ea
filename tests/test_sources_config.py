"""The sources file: loading, defaults, relative paths, and an error naming its field for every bad value."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bilat import settings
from bilat.sources.config import (
    ArchiveSpec,
    GdeltSpec,
    RssSpec,
    SitemapSpec,
    SourcesError,
    UrlsSpec,
    default_sources,
    load_sources,
    parse_sources,
)

REPO = Path(__file__).resolve().parents[1]


def write_sources(folder: Path, *entries: dict, name: str = "sources.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump({"sources": list(entries)}, sort_keys=False), encoding="utf-8")
    return path


def make_archive(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "archive.yaml").write_text("name: test\n", encoding="utf-8")
    return folder


def load_error(path: Path) -> SourcesError:
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    return caught.value


# ------------------------------------------------------------------------------------------ valid files


def test_example_file_is_valid_and_shows_every_kind():
    specs = load_sources(REPO / "sources.example.yaml")
    assert sorted(spec.kind for spec in specs) == sorted(["rss", "sitemap", "urls", "gdelt", "archive"])
    gdelt = next(spec for spec in specs if isinstance(spec, GdeltSpec))
    assert "Iraq" in gdelt.query and gdelt.min_interval_s >= 5
    archive = next(spec for spec in specs if isinstance(spec, ArchiveSpec))
    assert archive.path == (REPO / "bilat" / "corpus" / "archive").resolve()


def test_defaults_are_filled_in(tmp_path):
    [spec] = load_sources(write_sources(tmp_path, {"name": "feed-1", "kind": "rss", "url": "https://a.example/rss"}))
    assert isinstance(spec, RssSpec)
    assert (spec.enabled, spec.allow_hosts, spec.respect_robots) == (True, (), True)
    assert (spec.rate_per_second, spec.max_bytes) == (1.0, 5_000_000)


def test_each_kind_becomes_its_model(tmp_path):
    make_archive(tmp_path / "arch")
    specs = load_sources(write_sources(
        tmp_path,
        {"name": "r", "kind": "rss", "url": "http://a.example/feed"},
        {"name": "s", "kind": "sitemap", "url": "https://a.example/sitemap_index.xml", "enabled": False},
        {"name": "u", "kind": "urls", "urls": ["https://a.example/1", "https://a.example/2"]},
        {"name": "g", "kind": "gdelt", "query": "Iraq"},
        {"name": "a", "kind": "archive", "path": "arch"},
    ))
    assert [type(spec) for spec in specs] == [RssSpec, SitemapSpec, UrlsSpec, GdeltSpec, ArchiveSpec]
    assert specs[1].enabled is False  # disabled sources are returned; callers filter
    assert specs[2].all_urls() == ["https://a.example/1", "https://a.example/2"]
    assert specs[3].base_url == "https://api.gdeltproject.org/api/v2/doc/doc"
    assert (specs[3].min_interval_s, specs[3].maxrecords) == (5.0, 250)


def test_relative_paths_resolve_against_the_sources_file_not_the_working_directory(tmp_path, monkeypatch):
    config_dir = tmp_path / "conf"
    make_archive(config_dir / "mirror")
    (config_dir / "lists").mkdir(parents=True)
    (config_dir / "lists" / "picked.txt").write_text(
        "# hand-picked\n\nhttps://a.example/one   # trailing comment\nhttps://a.example/two#section\n", encoding="utf-8"
    )
    path = write_sources(
        config_dir,
        {"name": "mirror", "kind": "archive", "path": "mirror"},
        {"name": "picked", "kind": "urls", "file": "lists/picked.txt"},
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    archive, picked = load_sources(Path("..") / "conf" / "sources.yaml")
    assert archive.path == (config_dir / "mirror").resolve()
    assert picked.file == (config_dir / "lists" / "picked.txt").resolve()
    assert picked.all_urls() == ["https://a.example/one", "https://a.example/two#section"]
    assert path.is_file()


def test_default_sources_is_the_bundled_archive():
    [spec] = default_sources()
    assert isinstance(spec, ArchiveSpec)
    assert spec.name == "bundled"
    assert spec.path == settings.bundled_archive().resolve()


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8765/api/v2/doc/doc", "http://localhost/doc", "http://[::1]/doc"])
def test_gdelt_interval_may_be_short_for_a_local_mock(tmp_path, base_url):
    entry = {"name": "mock", "kind": "gdelt", "query": "Iraq", "base_url": base_url, "min_interval_s": 0}
    [spec] = load_sources(write_sources(tmp_path, entry))
    assert spec.min_interval_s == 0


def test_gdelt_interval_may_be_short_for_an_allowed_private_host(tmp_path):
    entry = {
        "name": "mock", "kind": "gdelt", "query": "Iraq", "base_url": "http://gdelt-mock:8080/doc",
        "allow_hosts": ["GDELT-mock"], "min_interval_s": 0.1,
    }
    [spec] = load_sources(write_sources(tmp_path, entry))
    assert spec.allow_hosts == ("gdelt-mock",)


# ------------------------------------------------------------------------------------------ errors

GOOD = {
    "rss": {"url": "https://a.example/rss"},
    "sitemap": {"url": "https://a.example/sitemap.xml"},
    "urls": {"urls": ["https://a.example/1"]},
    "gdelt": {"query": "Iraq"},
}

DROP = object()  # a field to leave out

# (kind, fields to change, the field the message must name, a fragment of the message)
BAD_FIELDS = [
    ("rss", {"kind": "rss2"}, "kind", "must be one of rss, sitemap, urls, gdelt, archive (got 'rss2')"),
    ("rss", {"name": "Potomac Wire"}, "name", "lower-case letters, digits and hyphens"),
    ("rss", {"url": "ftp://a.example/rss"}, "url", "must be an http(s) URL (got 'ftp://a.example/rss')"),
    ("rss", {"url": "a.example/rss"}, "url", "http(s) URL"),
    ("rss", {"url": DROP}, "url", "required"),
    ("rss", {"url": 42}, "url", "valid string (got 42)"),
    ("sitemap", {"url": "https:///no-host.xml"}, "url", "http(s) URL"),
    ("rss", {"enabled": "maybe"}, "enabled", "boolean"),
    ("rss", {"respect_robots": []}, "respect_robots", "boolean"),
    ("rss", {"rate_per_second": 0}, "rate_per_second", "greater than 0"),
    ("rss", {"max_bytes": -1}, "max_bytes", "greater than 0"),
    ("rss", {"allow_hosts": ["http://intranet.local/"]}, "allow_hosts", "not URLs"),
    ("rss", {"allow_hosts": "localhost"}, "allow_hosts", "tuple"),
    ("rss", {"feed": "https://a.example/rss"}, "feed", "unknown field for kind rss"),
    ("urls", {"urls": []}, "urls", "at least one URL"),
    ("urls", {"urls": ["https://a.example/1", "mailto:desk@a.example"]}, "urls[1]", "http(s) URL"),
    ("urls", {"urls": DROP, "file": "missing.txt"}, "file", "no such file"),
    ("gdelt", {"query": "  "}, "query", "must not be blank"),
    ("gdelt", {"query": DROP}, "query", "required"),
    ("gdelt", {"min_interval_s": 1}, "min_interval_s", "at least 5 seconds"),
    ("gdelt", {"min_interval_s": 1, "base_url": "https://gdelt.example/doc"}, "min_interval_s", "'gdelt.example'"),
    ("gdelt", {"maxrecords": 251}, "maxrecords", "less than or equal to 250"),
    ("gdelt", {"maxrecords": 0}, "maxrecords", "greater than or equal to 1"),
    ("gdelt", {"base_url": "gopher://gdelt.example"}, "base_url", "http(s) URL"),
]


@pytest.mark.parametrize(("kind", "change", "field", "fragment"), BAD_FIELDS, ids=[case[2] for case in BAD_FIELDS])
def test_every_error_names_file_source_and_field(tmp_path, kind, change, field, fragment):
    entry = {"name": "potomac", "kind": kind, **GOOD[kind], **change}
    entry = {key: value for key, value in entry.items() if value is not DROP}
    path = write_sources(tmp_path, {"name": "first", "kind": "rss", "url": "https://b.example/rss"}, entry)
    error = load_error(path)
    name = entry.get("name")
    assert len(error.problems) == 1, error.problems
    [problem] = error.problems
    assert problem.startswith(f"{path}: sources[1] (name {name!r}): field {field!r}: "), problem
    assert fragment in problem


def test_missing_required_fields_are_named(tmp_path):
    error = load_error(write_sources(tmp_path, {"kind": "archive"}))
    assert sorted(error.problems) == [
        f"{tmp_path / 'sources.yaml'}: sources[0]: field 'name': required",
        f"{tmp_path / 'sources.yaml'}: sources[0]: field 'path': required",
    ]


def test_missing_kind_is_named(tmp_path):
    error = load_error(write_sources(tmp_path, {"name": "x", "url": "https://a.example/rss"}))
    assert error.problems == [f"{tmp_path / 'sources.yaml'}: sources[0] (name 'x'): field 'kind': required, one of rss, sitemap, urls, gdelt, archive"]


def test_archive_path_must_exist_and_hold_archive_yaml(tmp_path):
    (tmp_path / "not-an-archive").mkdir()
    error = load_error(write_sources(
        tmp_path,
        {"name": "gone", "kind": "archive", "path": "gone"},
        {"name": "bare", "kind": "archive", "path": "not-an-archive"},
    ))
    assert "sources[0] (name 'gone'): field 'path': no such folder" in error.problems[0]
    assert "sources[1] (name 'bare'): field 'path':" in error.problems[1]
    assert "archive.yaml" in error.problems[1]


def test_url_file_errors_name_the_field_and_the_line(tmp_path):
    (tmp_path / "urls.txt").write_text("# list\nhttps://a.example/1\nwww.a.example/2\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("# nothing yet\n\n", encoding="utf-8")
    error = load_error(write_sources(
        tmp_path,
        {"name": "bad-line", "kind": "urls", "file": "urls.txt"},
        {"name": "empty", "kind": "urls", "file": "empty.txt"},
    ))
    assert "sources[0] (name 'bad-line'): field 'file': urls.txt line 3: must be an http(s) URL (got 'www.a.example/2')" in error.problems[0]
    assert "sources[1] (name 'empty'): field 'file': empty.txt lists no URLs" in error.problems[1]


def test_urls_and_file_are_exclusive(tmp_path):
    (tmp_path / "urls.txt").write_text("https://a.example/1\n", encoding="utf-8")
    error = load_error(write_sources(
        tmp_path,
        {"name": "both", "kind": "urls", "urls": ["https://a.example/1"], "file": "urls.txt"},
        {"name": "neither", "kind": "urls"},
    ))
    assert error.problems[0].endswith("sources[0] (name 'both'): fields 'urls' and 'file': give exactly one of them (got both)")
    assert error.problems[1].endswith("sources[1] (name 'neither'): fields 'urls' and 'file': give exactly one of them (got neither)")


def test_names_must_be_unique(tmp_path):
    entry = {"name": "wire", "kind": "rss", "url": "https://a.example/rss"}
    error = load_error(write_sources(tmp_path, entry, {**entry, "name": "other"}, entry))
    assert error.problems == [f"{tmp_path / 'sources.yaml'}: sources[2] (name 'wire'): field 'name': already used by sources[0]"]


def test_all_problems_are_reported_at_once(tmp_path):
    error = load_error(write_sources(
        tmp_path,
        {"name": "a", "kind": "rss", "url": "nope"},
        {"name": "b", "kind": "rss", "url": "https://a.example/rss"},
        {"name": "c", "kind": "gdelt", "query": "Iraq", "maxrecords": 1000},
    ))
    assert len(error.problems) == 2
    assert str(error) == "\n".join(error.problems)
    assert "sources[0] (name 'a'): field 'url'" in error.problems[0]
    assert "sources[2] (name 'c'): field 'maxrecords'" in error.problems[1]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("sources: [", "not valid YAML"),
        ("", "must be a mapping with a 'sources' list (got nothing)"),
        ("- name: a\n", "must be a mapping with a 'sources' list (got a list)"),
        ("feeds: []\n", "field 'sources': required"),
        ("sources: {name: a}\n", "field 'sources': must be a list (got a mapping)"),
        ("sources: []\n", "field 'sources': lists no sources"),
        ("sources: [{name: a, kind: rss, url: 'https://a.example'}]\nsource: []\n", "field 'source': unknown top-level field"),
        ("sources: [rss]\n", "sources[0]: must be a mapping of fields (got a string)"),
    ],
)
def test_file_level_errors_name_the_file(tmp_path, text, fragment):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    error = load_error(path)
    assert error.problems[0].startswith(f"{path}: ")
    assert fragment in str(error)


def test_a_missing_sources_file_is_a_sources_error(tmp_path):
    error = load_error(tmp_path / "absent.yaml")
    assert error.problems[0].startswith(f"{tmp_path / 'absent.yaml'}: cannot read the sources file")


def test_parse_sources_labels_and_anchors_as_told(tmp_path):
    make_archive(tmp_path / "arch")
    [spec] = parse_sources({"sources": [{"name": "a", "kind": "archive", "path": "arch"}]}, "inline", tmp_path)
    assert spec.path == (tmp_path / "arch").resolve()
    with pytest.raises(SourcesError, match=r"^inline: sources\[0\] \(name 'a'\): field 'path'"):
        parse_sources({"sources": [{"name": "a", "kind": "archive", "path": "nope"}]}, "inline", tmp_path)


def test_a_sources_file_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_bytes("sources: [{name: caf\u00e9, kind: rss, url: 'https://a.example/rss'}]\n".encode("latin-1"))
    error = load_error(path)
    assert error.problems == [f"{path}: not UTF-8 text (byte 0xe9 at offset 20): save the file as UTF-8"]


def test_a_url_file_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "urls.txt").write_bytes(b"https://a.example/\xff\n")
    error = load_error(write_sources(tmp_path, {"name": "list", "kind": "urls", "file": "urls.txt"}))
    assert "sources[0] (name 'list'): field 'file': urls.txt: not UTF-8 text (byte 0xff at offset 18)" in error.problems[0]
