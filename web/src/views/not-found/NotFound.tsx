import { Link } from "react-router";

/** Any path the route table does not know. */
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
