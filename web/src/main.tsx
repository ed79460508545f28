import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

function Console() {
  return <p>Experiment Service</p>;
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Console />
    </StrictMode>,
  );
}
