/** The Run Monitor's log tail: the last lines, live, coloured by level, with a level
 * filter; it follows the end until the user scrolls up (or turns `Follow` off). */
import { useEffect, useLayoutEffect, useRef, useState } from "react";

import { LEVELS, atLeast, isAtEnd, type Level } from "./logTail";
import type { LogLine } from "./useRunMonitor";

function timeOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString("en-GB", { hour12: false });
}

export function LogTail({ lines, limit }: { lines: readonly LogLine[]; limit: number }) {
  const [minimum, setMinimum] = useState<Level | null>(null);
  const [follow, setFollow] = useState(true);
  const boxRef = useRef<HTMLDivElement | null>(null);
  const shown = atLeast(lines, minimum);

  useLayoutEffect(() => {
    const box = boxRef.current;
    if (!box || !follow) return;
    box.scrollTop = box.scrollHeight;
  }, [shown, follow]);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    // scrolled up: stop following; back at the end: follow again (the tail's own
    // scrolls end at the end, so they keep it on)
    const onScroll = (): void => setFollow(isAtEnd(box));
    box.addEventListener("scroll", onScroll, { passive: true });
    return () => box.removeEventListener("scroll", onScroll);
  }, []);

  return (
    <section className="monitor-logs" aria-labelledby="monitor-logs-title">
      <div className="monitor-logs__head">
        <h2 id="monitor-logs-title">Logs</h2>
        <span className="muted">the last {limit} lines, live</span>
        <label className="monitor-logs__level">
          Level
          <select
            value={minimum ?? ""}
            onChange={(event) => setMinimum((event.target.value || null) as Level | null)}
          >
            <option value="">All levels</option>
            {LEVELS.slice(1).map((level) => (
              <option key={level} value={level}>
                {level} and above
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          aria-pressed={follow}
          onClick={() => setFollow((on) => !on)}
          title="Keep the newest line in view"
        >
          Follow
        </button>
      </div>
      <div ref={boxRef} className="monitor-logs__box" role="log" aria-label="Log tail" tabIndex={0}>
        {shown.length === 0 ? (
          <p className="muted">{lines.length === 0 ? "No log lines yet." : "No lines at this level."}</p>
        ) : (
          shown.map((line) => (
            <div key={line.seq} className={`log-line log-${line.level.toLowerCase()}`}>
              <span className="log-line__time">{timeOf(line.timestamp)}</span>
              <span className="log-line__level">{line.level}</span>
              <span className="log-line__message">{line.message}</span>
            </div>
          ))
        )}
      </div>
    </section>
  );
}
