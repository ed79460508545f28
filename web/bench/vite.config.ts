import { resolve } from "node:path";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The chart benchmark's page (bench/chart_draw.py builds it into a temp dir with
 * `--outDir`); not part of the console's build. */
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react()],
  logLevel: "warn",
  build: {
    emptyOutDir: true,
    rollupOptions: { input: { chart: resolve(import.meta.dirname, "chart.html") } },
  },
});
