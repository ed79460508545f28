"""The OpenAPI viewer at ``/api/v1/docs``: Swagger UI, served from this service.

The page and its assets come from here (the ``swagger-ui-bundle-v2`` package ships Swagger
UI's files), never from a CDN, so the viewer works on a machine without internet access.
Every URL in the page is relative, so it also works behind a proxy that adds a prefix:
``docs/…`` are the assets, ``openapi.json`` the document it shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from starlette.responses import FileResponse, Response

from app.rest.endpoints import Call, Endpoint

ASSETS = Path(str(swagger_ui_bundle.swagger_ui_path))
CACHE = "public, max-age=86400"

PAGE = b"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Experiment Service REST API</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/init.js"></script>
</body>
</html>
"""

# validatorUrl: null, or Swagger UI fetches a badge from an outside validator
INIT = b"""window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: true,
  });
};
"""


async def get_docs_page(call: Call) -> Any:
    return Response(PAGE, media_type="text/html; charset=utf-8")


async def get_docs_init_script(call: Call) -> Any:
    return Response(INIT, media_type="text/javascript; charset=utf-8")


def _asset(name: str, media_type: str) -> Any:
    async def handler(call: Call) -> Any:
        return FileResponse(ASSETS / name, media_type=media_type, headers={"Cache-Control": CACHE})

    handler.__name__ = "get_docs_" + name.replace("-", "_").replace(".", "_")
    return handler


def _page(path: str, handler: Any, summary: str, media_type: str) -> Endpoint:
    return Endpoint(
        "GET",
        path,
        handler,
        summary,
        response_content={media_type: {"schema": {"type": "string"}}},
        tags=("meta",),
        auth=False,
    )


ENDPOINTS: list[Endpoint] = [
    _page("/docs", get_docs_page, "This API in Swagger UI (loads /openapi.json)", "text/html"),
    _page("/docs/init.js", get_docs_init_script, "The viewer's start script", "text/javascript"),
    _page(
        "/docs/swagger-ui-bundle.js",
        _asset("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        "Swagger UI's script",
        "text/javascript",
    ),
    _page(
        "/docs/swagger-ui.css",
        _asset("swagger-ui.css", "text/css; charset=utf-8"),
        "Swagger UI's style sheet",
        "text/css",
    ),
]
