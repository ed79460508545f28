/** `Download logs`: the whole log as text (`GET /api/v1/experiments/{id}/logs?format=text`,
 * with the API token), saved through a Blob link. */
import { bearer } from "../../auth/tokenStore";

/** The file name the service gives (`Content-Disposition`), else `experiment-<id>.log`. */
export function fileNameOf(disposition: string | null, id: string): string {
  const match = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return match?.[1] ?? `experiment-${id}.log`;
}

/** Downloads the log; throws an Error with the API's message when it is refused. */
export async function downloadLogs(id: string, token: string): Promise<void> {
  const response = await fetch(
    `/api/v1/experiments/${encodeURIComponent(id)}/logs?format=text`,
    { headers: { Authorization: bearer(token) } },
  );
  if (!response.ok) {
    let message = `The download failed (HTTP ${response.status}).`;
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: the status says enough
    }
    throw new Error(message);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileNameOf(response.headers.get("Content-Disposition"), id);
  document.body.append(link);
  link.click();
  link.remove();
  // freed once the browser has surely read it
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
