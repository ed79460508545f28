"""Write the schema's SDL to ``schema/schema.graphql``: ``python -m schema.export``."""

from __future__ import annotations

import sys
from pathlib import Path

from app.config import Settings
from schema.build import build_schema

SDL_PATH = Path(__file__).with_name("schema.graphql")


def sdl() -> str:
    return build_schema(Settings()).as_str() + "\n"


def main() -> int:
    SDL_PATH.write_text(sdl(), encoding="utf-8")
    print(f"wrote {SDL_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
