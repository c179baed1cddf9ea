"""Small local archives written on the fly (archive.yaml, a sitemap, pages mirrored as host/path.html)."""

from __future__ import annotations

from pathlib import Path

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{meta}</head>
<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"""
STRIKES_2003 = ("WASHINGTON — American warplanes and cruise missiles struck Baghdad on Thursday as the United States opened its "
                "war against Iraq, Pentagon officials said. President George W. Bush said the strikes were the first stage of a "
                "campaign to disarm Iraq. Iraqi forces fired missiles at American troops massed in Kuwait.")
FILLER = ("Officials in both capitals spoke to reporters through the day, and diplomats at the United Nations met late into the "
          "evening to weigh what the Security Council could still do.")


def write_archive(root: Path, name: str, captured: str, pages: dict[str, str | None]) -> Path:
    """An archive captured at ``captured``; ``pages`` maps a URL path to the publication date its page declares
    (None: no date). Every page is a US–Iraq story with a line of its own, so none duplicates another."""
    root.mkdir(parents=True)
    urls = []
    for path, published in pages.items():
        url = f"https://wire.example{path}"
        urls.append(url)
        meta = f'<meta property="article:published_time" content="{published}">' if published else ""
        body = "".join(f"<p>{p}</p>" for p in (STRIKES_2003, FILLER, f"This copy was filed under {path}."))
        page = root / "wire.example" / f"{path.lstrip('/')}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(title=f"Strikes on Baghdad ({path})", meta=meta, paragraphs=body), encoding="utf-8")
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    (root / "sitemap.xml").write_text(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>')
    (root / "archive.yaml").write_text(f'name: {name}\ncaptured_at: "{captured}"\nsitemap: sitemap.xml\n')
    return root
