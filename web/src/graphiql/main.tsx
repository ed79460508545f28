/** The self-hosted GraphiQL served at GET /graphql: every file from this service, the
 * console's token pre-filled as the `Authorization` header, subscriptions over graphql-ws
 * with that header's value in `connection_init` (the service reads it there). */
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "./graphiql-page.css";

import { type Fetcher, createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import type { ExecutionResult } from "graphql";
import { type Client, createClient } from "graphql-ws";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { graphqlWsUrl } from "../api/client";
import { readToken } from "../auth/tokenStore";
import { connectionParams, initialHeaders, isSubscription } from "./request";

const DEFAULT_QUERY = `# The Experiment Service's GraphQL API. The Authorization header (below) carries the
# token you signed in to the console with; Docs (top left) lists every type.
query Me {
  me {
    id
    name
    role
  }
}
`;

const http = createGraphiQLFetcher({ url: "/graphql", enableIncrementalDelivery: false });

/** One socket at a time, for the Authorization of the latest subscription. */
let socket: { key: string; client: Client } | null = null;

function socketFor(headers: unknown): Client {
  const params = connectionParams(headers);
  const key = params["Authorization"] ?? "";
  if (socket?.key !== key) {
    void socket?.client.dispose();
    const client = createClient({
      url: graphqlWsUrl(window.location),
      connectionParams: params,
      lazy: true,
    });
    socket = { key, client };
  }
  return socket.client;
}

const fetcher: Fetcher = (params, options) => {
  const document = options?.documentAST;
  if (document && isSubscription(document, params.operationName)) {
    const results = socketFor(options?.headers).iterate({
      query: params.query,
      operationName: params.operationName ?? null,
      variables: params.variables ?? null,
    });
    // results as they arrive over the wire (errors as plain objects): what GraphiQL shows,
    // and what the toolkit's own websocket fetcher hands it under the same type
    return results as AsyncIterable<ExecutionResult>;
  }
  return http(params, options);
};

const headers = initialHeaders(readToken());
const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <GraphiQL
        fetcher={fetcher}
        initialHeaders={headers}
        defaultHeaders={headers}
        defaultQuery={DEFAULT_QUERY}
        defaultEditorToolsVisibility="headers"
      />
    </StrictMode>,
  );
}
