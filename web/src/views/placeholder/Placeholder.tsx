import { useEffect } from "react";
import { Link, useParams } from "react-router";

/** A view whose page is not written yet: the route exists, so links and reloads work. */
export function Placeholder({ title }: { title: string }) {
  const { id } = useParams();
  useEffect(() => {
    document.title = `${title} · Experiment Service`;
  }, [title]);
  return (
    <section aria-labelledby="placeholder-title">
      <h1 id="placeholder-title">{title}</h1>
      {id ? (
        <p>
          Experiment <code>{id}</code>
        </p>
      ) : null}
      <p>This view is not built yet.</p>
      <p>
        <Link to="/">Back to the experiments</Link>
      </p>
    </section>
  );
}

export function NotFound() {
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        <Link to="/">Back to the experiments</Link>
      </p>
    </section>
  );
}
