/** Logs: a level filter, a search box, pages of lines (keyset: each page after the last
 * line's seq), a live tail fed by the `logLines` subscription and the text download. */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { useClient, useSubscription } from "urql";

import { useAuth } from "../../auth/AuthContext";
import type { LogLevel } from "../../gql/graphql";
import { formatLogTime, problemFromGraphQL } from "./detailFormat";
import { LEVELS, type LogLineRow, levelsArgument, matchesSearch, mergeLines } from "./logLines";
import { LogLinesSubscription, LogPageQuery } from "./operations";
import { DownloadError, describeProblem, downloadWithToken, logsTextUrl } from "./rest";

/** Lines asked for per page. */
export const LOG_PAGE_SIZE = 200;
/** Typing settles for this long before the search runs. */
const TYPING_DELAY_MS = 300;

interface PageState {
  nextAfter: number | null;
  hasMore: boolean;
}

export function LogsTab({ experimentId }: { experimentId: string }) {
  const client = useClient();
  const { token } = useAuth();
  const ids = { search: useId(), tail: useId() };
  const [levels, setLevels] = useState<LogLevel[]>([...LEVELS]);
  const [searchDraft, setSearchDraft] = useState("");
  const [search, setSearch] = useState("");
  const [lines, setLines] = useState<LogLineRow[]>([]);
  const [page, setPage] = useState<PageState | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [tail, setTail] = useState(false);
  const [tailRestarts, setTailRestarts] = useState(0);
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<string | null>(null);
  // the highest seq received (pages and tail): where a resumed tail starts
  const lastSeen = useRef(0);
  // which filter the pages in flight belong to (a newer filter drops their answers)
  const filterRun = useRef(0);

  const levelsArg = levelsArgument(levels);
  const searchArg = search.trim() || null;
  const filterKey = JSON.stringify([levelsArg, searchArg]);

  useEffect(() => {
    if (searchDraft === search) return;
    const timer = setTimeout(() => setSearch(searchDraft), TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchDraft, search]);

  const receive = useCallback((incoming: LogLineRow[]) => {
    for (const line of incoming) lastSeen.current = Math.max(lastSeen.current, line.seq);
    setLines((current) => mergeLines(current, incoming));
  }, []);

  const loadPage = useCallback(
    async (after: number | null) => {
      const run = filterRun.current;
      setLoading(true);
      const result = await client
        .query(
          LogPageQuery,
          {
            id: experimentId,
            after,
            levels: levelsArg,
            search: searchArg,
            first: LOG_PAGE_SIZE,
          },
          { requestPolicy: "network-only" },
        )
        .toPromise();
      if (run !== filterRun.current) return;
      setLoading(false);
      const logs = result.data?.experiment?.logs;
      if (result.error || !logs) {
        setProblem(
          result.error
            ? describeProblem(problemFromGraphQL(result.error))
            : "The experiment is gone.",
        );
        return;
      }
      setProblem(null);
      receive(logs.lines);
      setPage({ nextAfter: logs.nextAfter ?? null, hasMore: logs.hasMore });
    },
    // filterKey stands for levelsArg and searchArg (new arrays each render, same values)
    [client, experimentId, filterKey, receive],
  );

  // a new filter: start again from the first page
  useEffect(() => {
    filterRun.current += 1;
    lastSeen.current = 0;
    setLines([]);
    setPage(null);
    void loadPage(null);
  }, [loadPage]);

  const onTailProblem = useCallback((message: string) => {
    setProblem(`The live tail stopped (${message}); resuming from the last line received.`);
    setTailRestarts((n) => n + 1);
  }, []);

  const shown = lines;
  return (
    <section className="logs" aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <form className="logs-controls" onSubmit={(event) => event.preventDefault()}>
        <fieldset className="levels">
          <legend>Levels</legend>
          {LEVELS.map((level) => (
            <label key={level} className="check">
              <input
                type="checkbox"
                checked={levels.includes(level)}
                onChange={(event) =>
                  setLevels((current) =>
                    event.target.checked
                      ? [...current, level]
                      : current.filter((chosen) => chosen !== level),
                  )
                }
              />
              {level}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.search}>Search logs</label>
          <input
            id={ids.search}
            type="search"
            value={searchDraft}
            placeholder="text in the message"
            onChange={(event) => setSearchDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") setSearch(searchDraft);
            }}
          />
        </div>
        <label className="check tail-toggle" htmlFor={ids.tail}>
          <input
            id={ids.tail}
            type="checkbox"
            checked={tail}
            onChange={(event) => setTail(event.target.checked)}
          />
          Live tail
        </label>
        <div className="download">
          <button
            type="button"
            disabled={downloading || !token}
            onClick={async () => {
              if (!token) return;
              setDownloading(true);
              setDownloadProblem(null);
              try {
                await downloadWithToken(
                  logsTextUrl(experimentId),
                  token,
                  `experiment-${experimentId}.log`,
                );
              } catch (error) {
                setDownloadProblem(
                  error instanceof DownloadError
                    ? error.message
                    : "The download did not reach the service.",
                );
              } finally {
                setDownloading(false);
              }
            }}
          >
            {downloading ? "Downloading…" : "Download logs"}
          </button>
          {downloadProblem ? (
            <p className="error" role="alert">
              Could not download the logs: {downloadProblem}
            </p>
          ) : null}
        </div>
      </form>
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      {tail && page ? (
        <LiveTail
          key={`${filterKey}:${tailRestarts}`}
          experimentId={experimentId}
          levels={levelsArg}
          search={searchArg ?? ""}
          after={lastSeen.current}
          onLines={receive}
          onProblem={onTailProblem}
        />
      ) : null}
      <LogList lines={shown} follow={tail} />
      <p className="summary" aria-live="polite">
        {page == null
          ? "Loading the logs…"
          : shown.length === 0
            ? tail
              ? "No lines yet; new ones appear here."
              : "No log lines."
            : `${shown.length.toLocaleString("en-US")} lines shown`}
      </p>
      {page?.hasMore ? (
        <button
          type="button"
          className="load-more"
          disabled={loading}
          onClick={() => void loadPage(page.nextAfter)}
        >
          Load more lines
        </button>
      ) : null}
    </section>
  );
}

/** The `logLines` subscription from `after` (frozen when it mounts: a remount resumes from
 * the parent's newest seq), its lines passed up with the search applied. */
function LiveTail({
  experimentId,
  levels,
  search,
  after,
  onLines,
  onProblem,
}: {
  experimentId: string;
  levels: LogLevel[] | null;
  search: string;
  after: number;
  onLines: (lines: LogLineRow[]) => void;
  onProblem: (message: string) => void;
}) {
  const [from] = useState(after);
  const [{ data, error }] = useSubscription({
    query: LogLinesSubscription,
    variables: { id: experimentId, levels, after: from },
  });
  useEffect(() => {
    const incoming = data?.logLines.lines;
    if (incoming?.length) onLines(incoming.filter((line) => matchesSearch(line, search)));
  }, [data, search, onLines]);
  useEffect(() => {
    if (!error) return;
    // resume after a moment, so a service that keeps refusing is not hammered
    const timer = setTimeout(() => onProblem(describeProblem(problemFromGraphQL(error))), 2000);
    return () => clearTimeout(timer);
  }, [error, onProblem]);
  return (
    <p className="tail-status" role="status">
      Following new lines…
    </p>
  );
}

function LogList({ lines, follow }: { lines: LogLineRow[]; follow: boolean }) {
  const box = useRef<HTMLOListElement>(null);
  // while following, stay at the bottom unless the reader scrolled up
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const element = box.current;
    if (element && follow && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [lines, follow]);
  return (
    <ol
      ref={box}
      className="log-lines"
      aria-label="Log lines"
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
      }}
    >
      {lines.map((line) => (
        <li key={line.seq} className={`log-line level-${line.level.toLowerCase()}`}>
          <time dateTime={line.timestamp} title={line.timestamp}>
            {formatLogTime(line.timestamp)}
          </time>
          <span className="level">{line.level}</span>
          {line.source ? <span className="source">{line.source}</span> : null}
          <span className="message">{line.message}</span>
        </li>
      ))}
    </ol>
  );
}
