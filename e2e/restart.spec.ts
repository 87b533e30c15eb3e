import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "./fixtures";
import { NEW_API_E2E } from "./new-api-settings";
import { StudioPage } from "./pages/studio";

// Restart safety, for real: this spec runs its own production server (the build the
// configured webServer made) on its own data folder, kills it with SIGKILL while a task runs,
// starts it again, and checks the sweeper finishes and keeps the video with no page open.

const ROOT = path.join(__dirname, "..");

/**
 * The server this spec runs: its own port and data folder per project, so `demo` and
 * `new-api` can run it at once; in `new-api` its demo gateway speaks that dialect.
 */
let target = { port: 3230, dataDir: ".data-e2e-restart", dialect: "documented" };
const origin = () => `http://127.0.0.1:${target.port}`;

let server: ChildProcess | undefined;
let serverLog = "";

function startServer(): ChildProcess {
  const child = spawn(
    path.join(ROOT, "node_modules/.bin/next"),
    ["start", "-H", "127.0.0.1", "-p", String(target.port)],
    {
      cwd: ROOT,
      // Its own process group, so one signal reaches next and any child it starts.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        DATA_DIR: target.dataDir,
        PORT: String(target.port),
        DEMO_GATEWAY_DIALECT: target.dialect,
        // 4 stages × 1.5 s: the task is still running when the server dies.
        DEMO_STEP_MS: "1500",
        POLL_INTERVAL_MS: "500",
        SWEEP_INTERVAL_MS: "500",
        TASK_TIMEOUT_MS: "120000",
        VIDEO_API_TIMEOUT_MS: "10000",
        // As in playwright.config.ts: nothing from a developer's shell may reach a real gateway.
        VIDEO_API_KEY: "",
        VIDEO_API_BASE_URL: "",
        DATABASE_URL: "",
        PUBLIC_BASE_URL: "",
        MEDIA_URL_SECRET: "",
        S3_BUCKET: "",
        AUTH_OIDC_ISSUER: "",
      },
    },
  );
  child.stdout?.on("data", (chunk) => {
    serverLog += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    serverLog += chunk;
  });
  return child;
}

/** SIGKILL to the whole group: no shutdown hooks, no flushing, like a crash or an OOM kill. */
async function killServer(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
  await exited;
}

/** Until the server answers from its database (an unknown task id → 404), at most 60 s. */
async function waitForServer(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${origin()}/api/tasks/warm-up-probe`).catch(() => null);
    if (response?.status === 404) return;
    if (server && server.exitCode !== null) throw new Error(`The server exited:\n${serverLog}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`The server did not answer on ${origin()} within 60 s:\n${serverLog}`);
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // The first start pays for creating and migrating the embedded database (~2 s idle, more
  // on a busy machine): not part of what the test measures.
  test.setTimeout(90_000);
  if (test.info().project.name === "new-api") {
    target = {
      port: NEW_API_E2E.restartPort,
      dataDir: ".data-e2e-restart-new-api",
      dialect: "new-api",
    };
  }
  await rm(path.join(ROOT, target.dataDir), { recursive: true, force: true });
  server = startServer();
  await waitForServer();
});

test.afterAll(async () => {
  await killServer();
  await rm(path.join(ROOT, target.dataDir), { recursive: true, force: true });
});

test("a task running when the server is killed is finished and kept after a restart, unwatched", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const context = await browser.newContext({ baseURL: origin() });
  const studio = new StudioPage(await context.newPage());
  await studio.goto();
  await studio.dropFile("First frame", "portrait.png");
  await studio.expectKept("First frame", "portrait.png");
  await studio.setPrompt("A ferry crosses the bay while the lights go out");
  const taskId = await studio.generate();
  await studio.expectStatus(/Queued|Generating/, 5_000);
  await context.close();

  await killServer();
  serverLog = "";
  server = startServer();
  await waitForServer();

  // Nobody watches now. The poster route only reads the row (it never asks the gateway), so
  // polling it does not refresh the task: only the sweeper can finish and keep it.
  await expect
    .poll(async () => (await fetch(`${origin()}/api/tasks/${taskId}/poster`)).status, {
      timeout: 20_000,
      intervals: [500],
    })
    .toBe(200);
  expect(serverLog).toContain(`"event":"task.result_kept","taskId":"${taskId}"`);
  expect(serverLog).toContain(`"event":"sweep.done"`);
  const poster = await fetch(`${origin()}/api/tasks/${taskId}/poster`);
  expect(poster.headers.get("content-type")).toBe("image/jpeg");

  const viewer = await browser.newContext({ baseURL: origin() });
  const page = await viewer.newPage();
  await page.goto(`/videos/${taskId}`);
  const view = new StudioPage(page);
  await expect(view.taskStatus).toContainText("Completed");
  await view.expectVideoPlays();
  await viewer.close();
});
