import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside React Server Components; tests run plain Node.
      "server-only": path.join(root, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts"],
    environment: "node",
    // Generous: the suites use real databases, ffmpeg and HTTP servers, and CI shares 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Task events log one JSON line each; show them only for failing tests.
    silent: "passed-only",
  },
});
