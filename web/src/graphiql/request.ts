/** GraphiQL's requests: what the console's token pre-fills in the headers editor, the
 * `Authorization` the user left there (for the websocket's `connection_init`, where
 * headers cannot go), and which operations go over the websocket. */
import { type DocumentNode, Kind, type OperationDefinitionNode } from "graphql";

import { bearer } from "../auth/tokenStore";

/** The headers editor's first text: the console's token as `Authorization`, if signed in. */
export function initialHeaders(token: string | null): string {
  return token ? JSON.stringify({ Authorization: bearer(token) }, null, 2) : "";
}

/** A header's value, whatever the case of its name; undefined when absent or not text. */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && typeof value === "string") return value;
  }
  return undefined;
}

/** The `connection_init` payload for a subscription sent with these headers. */
export function connectionParams(headers: unknown): Record<string, string> {
  const authorization = headerValue(headers, "Authorization");
  return authorization ? { Authorization: authorization } : {};
}

/** True when the operation GraphiQL runs (by name, else the document's only one) is a
 * subscription. */
export function isSubscription(document: DocumentNode, operationName?: string | null): boolean {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  const chosen = operationName
    ? operations.find((operation) => operation.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  return chosen?.operation === "subscription";
}
