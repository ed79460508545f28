/** Artifacts: the list, a download per artifact (a fetch with the token, saved as a Blob)
 * and, for a caller who may add one, an upload with a progress bar. */
import { useEffect, useId, useRef, useState } from "react";
import { useQuery } from "urql";

import { useAuth } from "../../auth/AuthContext";
import type { ArtifactKind } from "../../gql/graphql";
import { Time } from "./Facts";
import { formatBytes } from "./detailFormat";
import { ArtifactsQuery } from "./operations";
import {
  type ApiProblem,
  DownloadError,
  type UploadHandle,
  describeProblem,
  downloadWithToken,
  uploadArtifact,
} from "./rest";

export const ARTIFACT_KINDS: { value: ArtifactKind; label: string }[] = [
  { value: "MODEL", label: "Model" },
  { value: "CHECKPOINT", label: "Checkpoint" },
  { value: "REPORT", label: "Report" },
  { value: "DATASET", label: "Dataset" },
  { value: "OTHER", label: "Other" },
];

export function ArtifactsTab({
  experimentId,
  mayUpload,
}: {
  experimentId: string;
  mayUpload: boolean;
}) {
  const { token } = useAuth();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ArtifactsQuery,
    variables: { id: experimentId },
    requestPolicy: "network-only",
  });
  const [downloadProblem, setDownloadProblem] = useState<string | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const artifacts = data?.experiment?.artifacts;

  return (
    <section className="artifacts" aria-labelledby="artifacts-title">
      <h2 id="artifacts-title">Artifacts</h2>
      {mayUpload && token ? (
        <UploadForm
          experimentId={experimentId}
          token={token}
          onUploaded={() => refetch({ requestPolicy: "network-only" })}
        />
      ) : null}
      {error ? (
        <p className="error" role="alert">
          Could not load the artifacts: {error.message.replace(/^\[(GraphQL|Network)\] /, "")}
        </p>
      ) : null}
      {downloadProblem ? (
        <p className="error" role="alert">
          Could not download: {downloadProblem}
        </p>
      ) : null}
      {!artifacts ? (
        fetching ? (
          <p className="muted">Loading the artifacts…</p>
        ) : null
      ) : artifacts.length === 0 ? (
        <p className="muted">No artifacts yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Artifacts">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Download</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {artifacts.map((artifact) => (
                <tr key={artifact.id}>
                  <td>
                    <span title={`sha256 ${artifact.sha256}`}>{artifact.name}</span>
                  </td>
                  <td>{artifact.kind}</td>
                  <td className="num">{formatBytes(artifact.sizeBytes)}</td>
                  <td>
                    <Time value={artifact.createdAt} />
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Download ${artifact.name}`}
                      disabled={downloading === artifact.id || !token}
                      onClick={async () => {
                        if (!token) return;
                        setDownloading(artifact.id);
                        setDownloadProblem(null);
                        try {
                          await downloadWithToken(artifact.downloadUrl, token, artifact.name);
                        } catch (problem) {
                          setDownloadProblem(
                            problem instanceof DownloadError
                              ? `${artifact.name}: ${problem.message}`
                              : `${artifact.name}: the download did not reach the service.`,
                          );
                        } finally {
                          setDownloading(null);
                        }
                      }}
                    >
                      Download
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface Progress {
  sent: number;
  total: number;
}

function UploadForm({
  experimentId,
  token,
  onUploaded,
}: {
  experimentId: string;
  token: string;
  onUploaded: () => void;
}) {
  const ids = { file: useId(), kind: useId(), name: useId(), progress: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<ArtifactKind>("MODEL");
  const [name, setName] = useState("");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const upload = useRef<UploadHandle | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // leaving the tab cancels an upload in flight
  useEffect(() => () => upload.current?.abort(), []);

  const uploading = progress != null;
  return (
    <form
      className="upload card"
      aria-label="Upload an artifact"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!file || uploading) return;
        setProblem(null);
        setDone(null);
        setProgress({ sent: 0, total: file.size });
        const handle = uploadArtifact(
          { experimentId, file, fileName: file.name, kind, name },
          token,
          (sent, total) => setProgress({ sent, total }),
        );
        upload.current = handle;
        const outcome = await handle.done;
        upload.current = null;
        setProgress(null);
        if (outcome.ok === true) {
          setDone(`Uploaded ${name.trim() || file.name}.`);
          setFile(null);
          setName("");
          if (fileInput.current) fileInput.current.value = "";
          onUploaded();
        } else if (outcome.ok === false) {
          setProblem(outcome.problem);
        }
      }}
    >
      <div className="field">
        <label htmlFor={ids.file}>File</label>
        <input
          id={ids.file}
          ref={fileInput}
          type="file"
          disabled={uploading}
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setProblem(null);
            setDone(null);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.kind}>Kind</label>
        <select
          id={ids.kind}
          value={kind}
          disabled={uploading}
          onChange={(event) => setKind(event.target.value as ArtifactKind)}
        >
          {ARTIFACT_KINDS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.name}>Name (optional)</label>
        <input
          id={ids.name}
          value={name}
          disabled={uploading}
          placeholder={file?.name ?? "the file's name"}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <div className="field upload-actions">
        {uploading ? (
          <button type="button" onClick={() => upload.current?.abort()}>
            Cancel upload
          </button>
        ) : (
          <button type="submit" className="primary" disabled={!file}>
            Upload
          </button>
        )}
      </div>
      {progress ? (
        <div className="upload-progress">
          <label htmlFor={ids.progress}>Upload progress</label>
          <progress id={ids.progress} max={progress.total || 1} value={progress.sent} />
          <span>
            {formatBytes(progress.sent)} of {formatBytes(progress.total)}
          </span>
        </div>
      ) : null}
      {problem ? (
        <p className="error upload-problem" role="alert">
          Upload refused — {describeProblem(problem)}
        </p>
      ) : null}
      {done ? (
        <p className="notice upload-done" role="status">
          {done}
        </p>
      ) : null}
    </form>
  );
}
