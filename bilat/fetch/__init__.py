"""Fetching documents from the web, politely and safely: an async httpx fetcher with per-host limits, retries,
conditional requests, size and type caps, robots.txt and SSRF protection; URL canonicalisation; near-duplicate
detection."""
