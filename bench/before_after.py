"""Benchmarks of two revisions in one run, side by side: each bench of the list runs on
one revision and then at once on the other, so both meet the same machine load.

Each revision is checked out in a throw-away git worktree with its own virtualenv
(``make install``) and runs its own copy of the bench scripts, so a bench measures the
code it was written with. The order alternates from one bench to the next (before then
after, after then before, …) so a load that drifts during the run does not favour one
side. Every output is printed whole under a header naming the revision, and kept in
``--log``.

With ``--benches-of after`` both revisions run the later revision's bench scripts
(``bench/`` copied over the earlier worktree's): a bench that changed how it counts (its
CPU time, its warm-up) then measures both revisions the same way. The scripts must still
drive the earlier revision's service.

    .venv/bin/python bench/before_after.py --before 2068383 --after HEAD \\
        --bench "ingest.py" --bench "history.py" --bench "fanout.py" \\
        --bench "compare.py --repeat 20"
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCHES = ["ingest.py", "history.py", "fanout.py", "compare.py --repeat 20"]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def checkout(rev: str, where: Path) -> Path:
    """``rev`` in a detached worktree under ``where``, installed."""
    commit = git("rev-parse", "--short", rev)
    tree = where / commit
    git("worktree", "add", "--detach", str(tree), commit)
    subprocess.run(["make", "install"], cwd=tree, check=True, stdout=subprocess.DEVNULL)
    return tree


def run_bench(tree: Path, label: str, command: str, log: Path) -> int:
    script, *args = shlex.split(command)
    header = f"== {script} {' '.join(args)} @ {label} ({tree.name}) {time.strftime('%H:%M:%S')}"
    print(header, flush=True)
    with log.open("a") as out:
        out.write(header + "\n")
        process = subprocess.Popen(
            [str(tree / ".venv/bin/python"), f"bench/{script}", *args],
            cwd=tree,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            out.write(line)
        code = process.wait()
        out.write(f"(exit {code})\n")
    sys.stdout.flush()
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the earlier revision")
    parser.add_argument("--after", default="HEAD", help="the later revision (HEAD)")
    parser.add_argument(
        "--bench",
        action="append",
        help="a script of bench/ with its arguments, once per bench "
        f"(default: {', '.join(DEFAULT_BENCHES)})",
    )
    parser.add_argument("--log", type=Path, default=Path("before_after.log"))
    parser.add_argument(
        "--benches-of",
        choices=["own", "after"],
        default="own",
        help="each revision runs its own bench scripts (own), or both run the later one's",
    )
    args = parser.parse_args()
    benches = args.bench or DEFAULT_BENCHES
    args.log.write_text("")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="expsvc-before-after-") as temp:
        trees = {
            "before": checkout(args.before, Path(temp)),
            "after": checkout(args.after, Path(temp)),
        }
        if args.benches_of == "after":
            shutil.copytree(trees["after"] / "bench", trees["before"] / "bench", dirs_exist_ok=True)
        try:
            for number, command in enumerate(benches):
                order = ["before", "after"] if number % 2 == 0 else ["after", "before"]
                for label in order:
                    failures += run_bench(trees[label], label, command, args.log) != 0
        finally:
            for tree in trees.values():
                git("worktree", "remove", "--force", str(tree))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
