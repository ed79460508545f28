"""The W&B mirror's one use of ``wandb`` internals, kept here and pinned.

``wandb`` has no public call that writes text to a run's console output (``output.log``,
the run page's Logs tab): its own console capture calls the run's interface,
``run._interface.publish_output_raw(stream, text)``, and so does the mirror (with
``console="off"``, our log lines are the run's console output). The mirror was written
for and tested with the versions in ``WRITTEN_FOR`` (also the bounds of the ``wandb``
extra in ``pyproject.toml``); ``problem`` says, at start-up, when the installed ``wandb``
is outside them or lacks the call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.pins import installed, minor

# [lowest, first unsupported) (major, minor): the versions the console call was checked for
WRITTEN_FOR = ((0, 22), (0, 32))


def problem() -> str | None:
    """Why the W&B mirror cannot run with the ``wandb`` installed here, or None."""
    low, high = WRITTEN_FOR
    found = installed("wandb")
    if found is None:
        return "wandb is not installed (pip install 'expsvc[wandb]')"
    if not low <= minor(found) < high:
        return (
            f"wandb {found} is outside the versions the mirror was written for "
            f"(>={low[0]}.{low[1]},<{high[0]}.{high[1]})"
        )
    from wandb.sdk.interface.interface import InterfaceBase

    if not callable(getattr(InterfaceBase, "publish_output_raw", None)):
        return f"wandb {found} has no InterfaceBase.publish_output_raw (console lines)"
    return None


def output_writer(run: Any) -> Callable[[str, str], None]:
    """``write(stream, text)`` into ``run``'s console output; ``stream`` is "stdout" or
    "stderr", ``text`` ends with a newline."""
    publish: Callable[[str, str], None] = run._interface.publish_output_raw
    return publish
