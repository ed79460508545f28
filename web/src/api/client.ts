/** The console's GraphQL client: urql over HTTP for queries and mutations, graphql-ws
 * (protocol `graphql-transport-ws`) for subscriptions, both carrying the API token. An
 * UNAUTHENTICATED answer (a revoked or expired token) signs the console out. */
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import {
  Client,
  type CombinedError,
  cacheExchange,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
} from "urql";

import { bearer } from "../auth/tokenStore";

/** graphql-transport-ws close codes the service uses for a missing or refused token. */
export const WS_CLOSE_UNAUTHORIZED = 4401;
export const WS_CLOSE_FORBIDDEN = 4403;

export function isUnauthenticated(error: CombinedError): boolean {
  if (error.response?.status === 401) return true;
  return error.graphQLErrors.some((e) => e.extensions?.["code"] === "UNAUTHENTICATED");
}

/** `ws(s)://<host>/graphql` for the page's own origin. */
export function graphqlWsUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

export interface ConsoleClient {
  client: Client;
  /** Closes the websocket (on sign-out, or when the token changes). */
  dispose(): void;
}

export function makeClient(token: string, onUnauthenticated: () => void): ConsoleClient {
  const authorization = bearer(token);
  const ws: WsClient = createWsClient({
    url: graphqlWsUrl(window.location),
    connectionParams: { Authorization: authorization },
    lazy: true,
    // keep resubscribing across dropped connections (a restart, a flaky network)
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => !isAuthClose(event),
    on: {
      closed: (event) => {
        if (isAuthClose(event)) onUnauthenticated();
      },
    },
  });
  const client = new Client({
    url: "/graphql",
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
    fetchOptions: () => ({ headers: { Authorization: authorization } }),
    requestPolicy: "cache-and-network",
  });
  return {
    client,
    dispose: () => {
      // disposing while the socket connects awaits that connection: refused (a revoked
      // token closes it with 4403), it rejects with the close event, which is the reason
      // for disposing, not an error
      Promise.resolve(ws.dispose()).catch(() => undefined);
    },
  };
}

function isAuthClose(event: unknown): boolean {
  const code = (event as { code?: unknown } | null)?.code;
  return code === WS_CLOSE_UNAUTHORIZED || code === WS_CLOSE_FORBIDDEN;
}
