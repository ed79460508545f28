"""The web console and GraphiQL, served from the built single-page app (``web/dist``).

``make run`` and ``make test`` build ``web/`` with Vite into ``EXPSVC_WEB_DIST`` (default
the repository's ``web/dist``): ``index.html`` (the console), ``graphiql.html`` and hashed
files under ``assets/``. Here:

- ``/assets/<file>``: the file, ``Cache-Control: public, max-age=31536000, immutable``
  (its name changes with its content); a missing one is a 404, never the page.
- ``GET /graphql`` from a browser (``Accept: text/html``, no ``query`` parameter, the rule
  strawberry used for its IDE): ``graphiql.html``. Every other ``/graphql`` request, the
  websocket included, goes to the GraphQL app.
- Any other ``GET``/``HEAD`` path outside the service's own (``/api/``, ``/graphql``,
  ``/healthz``, ``/readyz``, ``/metrics``): ``index.html``, so a reload or a pasted link of
  any client-side route works. Pages are ``Cache-Control: no-cache``.

Pages carry a Content-Security-Policy allowing only this origin (and its websockets), so a
console that would load code or styles from another host fails in every browser, not only
on a machine without internet.

The folder is read on each request (a file's bytes are kept until its mtime changes), so
a build made while the service runs is served at once. Without a build the service still
starts: pages answer 503 with how to build the console.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

# Paths the service itself answers; an unknown path under them is a 404, never the page
SERVICE_PREFIXES = ("/api", "/graphql", "/healthz", "/readyz", "/metrics", "/assets")

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # GraphiQL's editor (Monaco) and React's style props write inline styles
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PAGE_HEADERS = {
    "Cache-Control": NO_CACHE,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The web console is not built</h1>
<p>This service serves its console and GraphiQL from <code>{dist}</code>, which holds no
<code>{page}</code>.</p>
<p>Build it with <code>make run</code> (builds the console when its sources changed, then
serves) or <code>make web</code>, from the repository's root; or set
<code>EXPSVC_WEB_DIST</code> to a folder holding a built console.</p>
<p>The API works without it: GraphQL at <code>/graphql</code> (POST), REST at
<code>/api/v1</code> (<a href="/api/v1/docs">/api/v1/docs</a>).</p>
</body></html>
"""


@dataclass
class _Cached:
    mtime_ns: int
    size: int
    body: bytes


class WebConsole:
    """The pages of one dist folder (``index.html``, ``graphiql.html``) and its assets."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self._pages: dict[str, _Cached] = {}

    def _page_bytes(self, name: str) -> bytes | None:
        path = self.dist / name
        try:
            stat = path.stat()
        except OSError:
            return None
        cached = self._pages.get(name)
        if cached and (cached.mtime_ns, cached.size) == (stat.st_mtime_ns, stat.st_size):
            return cached.body
        try:
            body = path.read_bytes()
        except OSError:
            return None
        self._pages[name] = _Cached(stat.st_mtime_ns, stat.st_size, body)
        return body

    async def page(self, name: str) -> Response:
        """``name`` from the dist folder, never cached by the browser; 503 when missing."""
        body = await anyio.to_thread.run_sync(self._page_bytes, name)
        if body is None:
            text = NOT_BUILT.format(dist=_escape(str(self.dist)), page=name)
            return HTMLResponse(text, status_code=503, headers={"Cache-Control": NO_CACHE})
        return Response(body, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    async def console(self, request: Request) -> Response:
        """``index.html`` for a client-side route; a 404 under the service's own paths."""
        path = request.url.path
        if any(path == prefix or path.startswith(prefix + "/") for prefix in SERVICE_PREFIXES):
            raise HTTPException(404)
        return await self.page("index.html")

    def routes(self) -> list[BaseRoute]:
        """The assets and the catch-all page route: mount them after every other route."""
        return [
            Mount("/assets", app=ImmutableFiles(directory=self.dist / "assets", check_dir=False)),
            Route("/{path:path}", self.console, methods=["GET", "HEAD"]),
        ]


class ImmutableFiles(StaticFiles):
    """Hashed build files: cached for a year by browsers and proxies. A missing file, or a
    missing folder, is a 404 (StaticFiles raises it; the app renders it)."""

    async def check_config(self) -> None:
        """A missing folder (no build yet) is checked per request, not refused once."""
        if self.directory is not None and await _is_dir(self.directory):
            await super().check_config()

    async def get_response(self, path: str, scope: Scope) -> Response:
        if self.directory is None or not await _is_dir(self.directory):
            raise HTTPException(404)
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


class GraphiQLOrAPI:
    """``/graphql``: GraphiQL's page to a browser's plain GET, the GraphQL app otherwise."""

    def __init__(self, console: WebConsole, api: ASGIApp) -> None:
        self.console = console
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and wants_ide(Request(scope)):
            response = await self.console.page("graphiql.html")
            await response(scope, receive, send)
            return
        await self.api(scope, receive, send)


def wants_ide(request: Request) -> bool:
    """A browser opening ``/graphql``: GET or HEAD, no ``query`` parameter, HTML accepted."""
    if request.method not in ("GET", "HEAD") or "query" in request.query_params:
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "*/*" in accept


async def _is_dir(path: str | os.PathLike[str]) -> bool:
    return await anyio.to_thread.run_sync(os.path.isdir, path)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
