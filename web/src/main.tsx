import "./styles.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./app/App";
import { mlflowLinkTarget } from "./app/mlflowLinks";

const mlflowTarget = mlflowLinkTarget(window.location.hash);
if (mlflowTarget) window.history.replaceState(null, "", mlflowTarget);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
