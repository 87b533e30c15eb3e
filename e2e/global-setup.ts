import type { FullConfig } from "@playwright/test";

/**
 * Pays the server's one-time costs before any test's clock starts: the first request that
 * touches the embedded database creates and migrates it (seconds on a busy machine), and the
 * first render of `/` loads the page's modules. Runs after `webServer` is up.
 */
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]?.use.baseURL;
  if (!baseURL) throw new Error("playwright.config.ts must set use.baseURL");
  const deadline = Date.now() + 90_000;
  for (;;) {
    // An unknown task id: answered from the database, so it opens (and migrates) it first.
    const response = await fetch(new URL("/api/tasks/warm-up-probe", baseURL)).catch(() => null);
    if (response && (response.status === 404 || response.ok)) break;
    if (Date.now() > deadline) {
      throw new Error(`Server did not warm up: GET /api/tasks/… answered ${response?.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const page = await fetch(new URL("/", baseURL));
  if (!page.ok) throw new Error(`GET / answered ${page.status}`);
}
