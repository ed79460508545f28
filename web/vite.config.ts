/// <reference types="vitest/config" />
import { resolve } from "node:path";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Two pages: the console (index.html, every client-side route) and GraphiQL
 * (graphiql.html, served at GET /graphql). Hashed files land in dist/assets/, which the
 * service serves with a year-long immutable cache. */
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // GraphiQL's editor (Monaco) is large by nature; it loads only on /graphql
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      onwarn(warning, warn) {
        // graphiql's "use no memo" directives (for the React compiler) mean nothing here
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
      input: {
        console: resolve(import.meta.dirname, "index.html"),
        graphiql: resolve(import.meta.dirname, "graphiql.html"),
      },
    },
  },
  // Monaco's workers (GraphiQL's editor) import each other: ES module workers
  worker: { format: "es" },
  server: {
    // `npm run dev` against a service on :8000
    proxy: {
      "/graphql": { target: "http://127.0.0.1:8000", ws: true },
      "/api": "http://127.0.0.1:8000",
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
