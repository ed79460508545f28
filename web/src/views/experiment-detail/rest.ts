/** The REST routes the detail view uses where GraphQL does not fit: file downloads (the
 * log text export, an artifact's bytes) and the artifact upload with progress. A plain
 * link cannot carry the `Authorization` header, so downloads are a fetch with the token
 * turned into a Blob the browser saves. */
import { bearer } from "../../auth/tokenStore";

export const API = "/api/v1";

/** An API refusal as the console shows it: the contract's code and its message. */
export interface ApiProblem {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** `{"error": {code, message, details}}` from a REST answer, or a problem made from the
 * status when the body is not that (a proxy's page, an empty body). */
export function problemFrom(status: number, body: string): ApiProblem {
  try {
    const parsed: unknown = JSON.parse(body);
    const error = (parsed as { error?: unknown } | null)?.error as
      { code?: unknown; message?: unknown; details?: unknown } | undefined;
    if (error && typeof error.code === "string") {
      return {
        code: error.code,
        message: typeof error.message === "string" ? error.message : error.code,
        details:
          typeof error.details === "object" && error.details !== null
            ? (error.details as Record<string, unknown>)
            : undefined,
      };
    }
  } catch {
    // not JSON: described by its status below
  }
  return { code: `HTTP_${status}`, message: `The service answered ${status}.` };
}

export function describeProblem(problem: ApiProblem): string {
  return `${problem.code}: ${problem.message}`;
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header. */
export function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // a malformed encoding: try the plain parameter
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(disposition);
  const name = (plain?.[1] ?? plain?.[2] ?? "").trim();
  return name || fallback;
}

export class DownloadError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(describeProblem(problem));
  }
}

/** GET `url` with the token and save the answer as a file (the name from the answer's
 * `Content-Disposition`, else `fallbackName`). Throws a `DownloadError` on a refusal. */
export async function downloadWithToken(
  url: string,
  token: string,
  fallbackName: string,
): Promise<void> {
  const response = await fetch(url, { headers: { Authorization: bearer(token) } });
  if (!response.ok) throw new DownloadError(problemFrom(response.status, await response.text()));
  const blob = await response.blob();
  const name = filenameFrom(response.headers.get("Content-Disposition"), fallbackName);
  const href = URL.createObjectURL(blob);
  try {
    const link = document.createElement("a");
    link.href = href;
    link.download = name;
    link.style.display = "none";
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // the click has handed the Blob to the download; free it once that has started
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
  }
}

export function logsTextUrl(experimentId: string): string {
  return `${API}/experiments/${encodeURIComponent(experimentId)}/logs?format=text`;
}

export function artifactsUrl(experimentId: string): string {
  return `${API}/experiments/${encodeURIComponent(experimentId)}/artifacts`;
}

export interface UploadRequest {
  experimentId: string;
  file: Blob;
  fileName: string;
  kind: string;
  /** The artifact's name; the file's own when empty */
  name?: string;
}

export type UploadOutcome = { ok: true } | { ok: false; problem: ApiProblem } | { ok: "aborted" };

export interface UploadHandle {
  done: Promise<UploadOutcome>;
  abort(): void;
}

/** POST a multipart upload (the form fields first, then the file, as the route asks) with
 * `XMLHttpRequest`, whose upload events report progress as `(sent, total)`. */
export function uploadArtifact(
  request: UploadRequest,
  token: string,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const form = new FormData();
  form.append("kind", request.kind);
  const name = request.name?.trim();
  if (name) form.append("name", name);
  form.append("file", request.file, request.fileName);
  const done = new Promise<UploadOutcome>((resolve) => {
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve({ ok: true });
      else resolve({ ok: false, problem: problemFrom(xhr.status, xhr.responseText) });
    });
    xhr.addEventListener("error", () =>
      resolve({
        ok: false,
        problem: { code: "NETWORK_ERROR", message: "The upload did not reach the service." },
      }),
    );
    xhr.addEventListener("abort", () => resolve({ ok: "aborted" }));
  });
  xhr.open("POST", artifactsUrl(request.experimentId));
  xhr.setRequestHeader("Authorization", bearer(token));
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}
