"""SRC004: source addresses that no longer open. Run by the weekly scheduled job (`check --external-links`),
never on pull requests: other sites are slow, rate-limit and block robots, so these results are not stable."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from sitegen.errors import Problem
from sitegen.model import Article

TIMEOUT_SECONDS = 20
USER_AGENT = "Mozilla/5.0 (compatible; sitegen-link-check; +https://github.com/)"


def url_failure(url: str, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """Why `url` does not open (e.g. "HTTP 404"), or None when it does. HEAD first, then GET (many sites
    refuse HEAD)."""
    last = ""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if response.status < 400:
                    return None
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = " ".join(str(reason).split())[:80] or type(exc).__name__
    return last


def unreachable_sources(articles: Sequence[Article], workers: int = 8) -> list[Problem]:
    urls = sorted({source.url for article in articles for source in article.meta.sources})
    with ThreadPoolExecutor(workers) as pool:
        failures = dict(zip(urls, pool.map(url_failure, urls), strict=True))
    return [
        Problem(
            article.source_path,
            article.line_of("sources"),
            "sources",
            f"'{source.id}' does not open ({failures[source.url]}): {source.url}",
            "open the address in a browser; if the page has moved, update url and accessed",
            code="SRC004",
        )
        for article in articles
        for source in article.meta.sources
        if failures.get(source.url)
    ]
