"""Every byte of the console and of GraphiQL comes from the service: the real build's
pages and everything they load (scripts, styles, fonts, workers, lazy chunks), followed
link by link from ``/`` and ``GET /graphql``, name no other host, and each answers 200
from the service with the year-long cache of a hashed file."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import httpx

from app.web_console import IMMUTABLE
from tests.web.server import ConsoleServer

# What a page or a file loads: HTML attributes, ES imports (static, dynamic, side-effect),
# Vite's preload lists, workers and `new URL(…, import.meta.url)`, CSS url() and @import
LOADS = [
    re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']"""),
    re.compile(r"""\bimport\s*\(\s*["']([^"']+)["']"""),
    re.compile(r"""\bfrom\s*["']([^"']+)["']"""),
    re.compile(r"""\bimport\s*["']([^"']+)["']"""),
    re.compile(r"""["']((?:\.{0,2}/)?assets/[\w.-]+)["']"""),
    re.compile(r"""\bnew\s+(?:Worker|SharedWorker)\s*\(\s*["']([^"']+)["']"""),
    re.compile(r"""\bnew\s+URL\s*\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url"""),
    re.compile(r"""\bimportScripts\s*\(\s*["']([^"']+)["']"""),
    re.compile(r"""\burl\(\s*["']?([^"')]+)["']?\s*\)"""),
    re.compile(r"""@import\s+["']([^"']+)["']"""),
]
FOLLOWED = (".js", ".mjs", ".css", ".html")
# A built file's name: name-hash.ext (a bare "/assets/" prefix in code is not a load)
FILE = re.compile(r"/assets/[\w.-]+\.(?:js|mjs|css|ttf|woff2?|svg|png|ico|json|wasm)$")


def references(text: str) -> set[str]:
    found: set[str] = set()
    for pattern in LOADS:
        found.update(match.group(1).strip() for match in pattern.finditer(text))
    return {ref for ref in found if ref and not ref.startswith(("data:", "blob:", "#"))}


def crawl(client: httpx.Client, base: str, start: str, accept: str) -> dict[str, str]:
    """Every URL loaded from ``start``, transitively → the content type it answered."""
    origin = urlsplit(base).netloc
    seen: dict[str, str] = {}
    queue = [(urljoin(base, start), accept)]
    while queue:
        url, wants = queue.pop()
        if url in seen:
            continue
        response = client.get(url, headers={"Accept": wants})
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        seen[url] = response.headers["content-type"]
        if urlsplit(url).path.startswith("/assets/"):
            assert response.headers["cache-control"] == IMMUTABLE, url
        if not urlsplit(url).path.endswith(FOLLOWED) and "html" not in seen[url]:
            continue
        for ref in references(response.text):
            # Vite's preload lists name files from the site's root ("assets/x.js")
            target = urljoin(base + "/" if ref.startswith("assets/") else url, ref)
            parts = urlsplit(target)
            if parts.scheme in ("http", "https") and parts.netloc != origin:
                # a link the user may follow is fine; a file the page loads is not
                assert not ref.endswith((".js", ".mjs", ".css", ".woff", ".woff2", ".ttf")), (
                    f"{url} loads {ref} from another host"
                )
                continue
            if FILE.search(parts.path):
                queue.append((target.split("#")[0].split("?")[0], "*/*"))
    return seen


def test_graphiql_and_the_console_load_nothing_from_another_host(server: ConsoleServer) -> None:
    with httpx.Client(timeout=30) as client:
        graphiql = crawl(client, server.base, "/graphql", "text/html,*/*;q=0.8")
        console = crawl(client, server.base, "/", "text/html")
    for loaded in (graphiql, console):
        kinds = set(loaded.values())
        assert any("javascript" in kind for kind in kinds), loaded
        assert any(kind.startswith("text/css") for kind in kinds), loaded
    # GraphiQL's editor: its workers and its code, all from /assets/
    assert any("worker" in url for url in graphiql), sorted(graphiql)
    assert len(graphiql) > 10


def test_the_built_pages_are_not_cached_and_allow_only_this_origin(
    server: ConsoleServer,
) -> None:
    with httpx.Client(timeout=30) as client:
        for path, accept in (("/", "text/html"), ("/graphql", "text/html")):
            page = client.get(f"{server.base}{path}", headers={"Accept": accept})
            assert page.status_code == 200
            assert page.headers["cache-control"] == "no-cache"
            policy = page.headers["content-security-policy"]
            assert "default-src 'self'" in policy
            assert "http" not in policy  # no other host allowed for anything
