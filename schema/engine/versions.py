"""The versions of graphql-core and strawberry the engine was written for, checked at start.

``pyproject.toml`` pins both to these minors, so an installation from the lock always
matches; the check is for an environment that installed something else (an upgraded
image, a different lock). On a mismatch the speed tricks are not used — the service
answers on the plain path, identically, only slower — and a warning says why.
"""

from __future__ import annotations

import logging
from functools import cache

from app.pins import installed, minor

logger = logging.getLogger("schema.engine")

# Distribution name -> the minor version ("X.Y") the engine's modules were written against
WRITTEN_FOR: dict[str, str] = {"graphql-core": "3.3", "strawberry-graphql": "0.341"}


def mismatches(
    written_for: dict[str, str] = WRITTEN_FOR, found: dict[str, str | None] | None = None
) -> dict[str, tuple[str, str | None]]:
    """``{distribution: (written for, installed)}`` for each that differs in its minor."""
    found = found if found is not None else {name: installed(name) for name in written_for}
    return {
        name: (wanted, found.get(name))
        for name, wanted in written_for.items()
        if found.get(name) is None or minor(found[name] or "") != minor(wanted)
    }


def check(found: dict[str, str | None] | None = None) -> bool:
    """True when the installed versions are the ones written for; otherwise a warning
    naming each difference, and False."""
    wrong = mismatches(found=found)
    if wrong:
        said = ", ".join(
            f"{name} {got} (written for {want}.x)" for name, (want, got) in wrong.items()
        )
        logger.warning(
            "GraphQL engine tricks are off: installed %s; the service runs on the plain "
            "graphql-core/strawberry path (slower, same answers)",
            said,
        )
    return not wrong


@cache
def installed_match() -> bool:
    """``check()`` of this process's installation, done (and warned about) once."""
    return check()
