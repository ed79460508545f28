"""The page info of keyset-paginated connections (experiments, API costs, users)."""

from __future__ import annotations

import strawberry


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
