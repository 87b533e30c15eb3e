import type { FullConfig } from "@playwright/test";
import { NEW_API_E2E } from "./new-api-settings";

/**
 * Pays the servers' one-time costs before any test's clock starts: the first request that
 * touches the embedded database creates and migrates it (seconds on a busy machine), and the
 * first render of `/` loads the page's modules. Runs after `webServer` is up, for the main
 * server and the two new-api ones (the other projects' first specs sign in first).
 */
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]?.use.baseURL;
  if (!baseURL) throw new Error("playwright.config.ts must set use.baseURL");
  await Promise.all([baseURL, NEW_API_E2E.baseURL, NEW_API_E2E.fresh.baseURL].map(warmUp));
}

async function warmUp(baseURL: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    // An unknown task id: answered from the database, so it opens (and migrates) it first.
    const response = await fetch(new URL("/api/tasks/warm-up-probe", baseURL)).catch(() => null);
    if (response && (response.status === 404 || response.ok)) break;
    if (Date.now() > deadline) {
      throw new Error(`${baseURL} did not warm up: GET /api/tasks/… answered ${response?.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const page = await fetch(new URL("/", baseURL));
  if (!page.ok) throw new Error(`GET ${baseURL}/ answered ${page.status}`);
}
