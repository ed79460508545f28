"""What the framework scripts share (they run in .venv-frameworks, started by
tests/client/test_frameworks.py): the command line, the run, the report.

``python <script> full|stop``: ``full`` trains 3 short epochs; ``stop`` trains for minutes,
a pause after every batch, until the test presses Stop. The server, token, spool folder
and hypothesis come from EXPSVC_URL, EXPSVC_TOKEN, EXPSVC_CLIENT_SPOOL and
EXPSVC_HYPOTHESIS. Prints one JSON line when the run started (``{"id"}``) and one at the
end (``{"trained_steps", "total_steps"}``), each after ``REPORT`` (the frameworks print
lines of their own).
"""

from __future__ import annotations

import json
import os
import sys
import time

import expsvc_client as xs

# A pause after each batch in ``stop`` mode: the run lasts long enough to be stopped
STOP_MODE_PAUSE = 0.05
REPORT = "report: "


def mode() -> str:
    chosen = sys.argv[1] if len(sys.argv) > 1 else "full"
    if chosen not in ("full", "stop"):
        raise SystemExit(f"usage: {sys.argv[0]} full|stop")
    return chosen


def epochs(chosen: str) -> int:
    return 3 if chosen == "full" else 500


def pause(chosen: str) -> None:
    if chosen == "stop":
        time.sleep(STOP_MODE_PAUSE)


def start(name: str) -> xs.Run:
    run = xs.init(hypothesis=os.environ["EXPSVC_HYPOTHESIS"], name=name, type="ML", model="tiny")
    say(id=run.id)
    return run


def say(**fields: object) -> None:
    sys.stdout.write(REPORT + json.dumps(fields) + "\n")
    sys.stdout.flush()
