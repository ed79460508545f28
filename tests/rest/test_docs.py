"""The OpenAPI viewer at /api/v1/docs: served by the service itself, no outside asset."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from tests.rest.helpers import API

PAGE = f"http://test{API}/docs"
_LINKS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def _same_origin(url: str) -> bool:
    parts = urlsplit(urljoin(PAGE, url))
    return (parts.scheme, parts.netloc) == ("http", "test")


async def test_the_page_uses_only_assets_the_service_serves(client):
    page = await client.get(PAGE)  # no token needed, like the document it shows
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    links = _LINKS.findall(page.text)
    assert links, page.text
    assert all(_same_origin(link) for link in links), links
    assert "//" not in page.text  # no absolute or protocol-relative URL at all
    expected = {".css": "text/css", ".js": "text/javascript"}
    for link in links:
        asset = await client.get(urljoin(PAGE, link))
        assert asset.status_code == 200, link
        suffix = link[link.rindex(".") :]
        assert asset.headers["content-type"].startswith(expected[suffix]), link
        assert asset.content, link
    bundle = await client.get(urljoin(PAGE, "docs/swagger-ui-bundle.js"))
    assert b"SwaggerUIBundle" in bundle.content


async def test_the_viewer_loads_this_services_openapi_document(client):
    script = (await client.get(urljoin(PAGE, "docs/init.js"))).text
    urls = re.findall(r"""url:\s*["']([^"']+)["']""", script)
    assert urls == ["openapi.json"]
    assert "validatorUrl: null" in script  # else Swagger UI calls an outside validator
    assert "http" not in script
    document = await client.get(urljoin(PAGE, urls[0]))
    assert document.status_code == 200
    assert document.json()["openapi"] == "3.1.0"
