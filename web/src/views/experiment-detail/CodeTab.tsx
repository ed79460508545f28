/** Code: the git reference the experiment ran from. */
import type { ExperimentDetailFragment } from "../../gql/graphql";
import { Facts } from "./Facts";

type Git = NonNullable<ExperimentDetailFragment["git"]>;

/** Only web links are links (an `ssh://` or `git@` remote is shown as text). */
export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

export function CodeTab({ git }: { git: Git | null }) {
  return (
    <section className="card" aria-labelledby="code-title">
      <h2 id="code-title">Code</h2>
      {git ? (
        <Facts
          rows={[
            [
              "Repository",
              isWebUrl(git.repoUrl) ? (
                <a href={git.repoUrl} target="_blank" rel="noreferrer">
                  {git.repoUrl}
                </a>
              ) : (
                <code>{git.repoUrl}</code>
              ),
            ],
            ["Commit", git.commit ? <code>{git.commit}</code> : null],
            ["Branch", git.branch ? <code>{git.branch}</code> : null],
            [
              "Browse",
              git.url && isWebUrl(git.url) ? (
                <a href={git.url} target="_blank" rel="noreferrer">
                  {git.commit ? "This commit" : git.branch ? "This branch" : "The repository"} on
                  the web
                </a>
              ) : null,
            ],
          ]}
        />
      ) : (
        <p className="muted">No git reference was recorded for this experiment.</p>
      )}
    </section>
  );
}
