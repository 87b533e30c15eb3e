import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DEPLOYED_E2E } from "./deployed-settings";
import { StudioPage } from "./pages/studio";

/**
 * The app in its deployed shape (see e2e/deployed-settings.ts and playwright.config.ts):
 * Postgres, S3, sign-in through a real OIDC provider, a real gateway key, the cron sweep.
 * One full generation, and the API key never reaching the browser.
 */

test.describe.configure({ mode: "serial" });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

test("the client build holds no gateway key, nor any hint of one", () => {
  const staticDir = path.join(__dirname, "../.next/static");
  const files = filesUnder(staticDir);
  expect(files.length).toBeGreaterThan(5);
  for (const file of files) {
    const text = readFileSync(file, "latin1");
    expect(text.includes(DEPLOYED_E2E.apiKey), file).toBe(false);
    expect(text.includes("VIDEO_API_KEY"), file).toBe(false);
  }
});

test("a member signs in, generates with S3 and Postgres, and no response carries the key", async ({
  page,
  request,
}) => {
  const leaks: string[] = [];
  const bodies: Promise<void>[] = [];
  page.on("response", (response) => {
    bodies.push(
      response
        .body()
        .then((body) => {
          const text = body.toString("latin1");
          const headers = JSON.stringify(response.headers());
          if (text.includes(DEPLOYED_E2E.apiKey) || headers.includes(DEPLOYED_E2E.apiKey)) {
            leaks.push(response.url());
          }
        })
        // Redirects and aborted media requests have no body to read.
        .catch(() => {}),
    );
  });

  // Sign in through the provider's own form.
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.getByRole("button", { name: `Sign in with ${DEPLOYED_E2E.providerName}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${DEPLOYED_E2E.issuer}/interaction/`));
  await page.getByPlaceholder("Enter any login").fill("maya@studio.test");
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  // Not demo mode: no demo banner. The gateway would get media URLs on a private address
  // (the bucket is on 127.0.0.1 here), and the page says so before anyone submits.
  await expect(page.getByText(/Demo mode/)).toHaveCount(0);
  await expect(page.getByRole("alert").filter({ hasText: /cannot reach|private/i })).toBeVisible();

  const studio = new StudioPage(page);
  const bucketPuts: string[] = [];
  page.on("request", (sent) => {
    if (sent.method() === "PUT" && sent.url().startsWith(DEPLOYED_E2E.endpoint)) {
      bucketPuts.push(sent.url());
    }
  });
  await studio.upload("First frame", "portrait.png");
  await studio.upload("Driving audio", "voice.mp3");
  expect(bucketPuts).toHaveLength(2);
  await studio.setPrompt("deployed shape: a portrait that speaks");
  await expect(page.getByText("Estimated cost:")).toContainText("$0.50");
  const taskId = await studio.generate();
  await studio.expectCompleted();

  // Kept in the bucket, served from it (the video route redirects to a presigned GET). Asked
  // with the member's session (page.request shares the page's cookies).
  const video = await page.request.get(`/api/tasks/${taskId}/video`, { maxRedirects: 0 });
  expect(video.status()).toBe(302);
  expect(video.headers().location).toContain(`${DEPLOYED_E2E.endpoint}/${DEPLOYED_E2E.bucket}/`);

  // Without a session, the same route is refused.
  expect((await request.get(`/api/tasks/${taskId}/video`, { maxRedirects: 0 })).status()).toBe(401);

  // The sweep runs from the cron route, with its secret only.
  const refused = await request.get("/api/cron/sweep");
  expect(refused.status()).toBe(403);
  const swept = await request.get("/api/cron/sweep", {
    headers: { Authorization: `Bearer ${DEPLOYED_E2E.cronSecret}` },
  });
  expect(swept.status()).toBe(200);
  expect(await swept.json()).toHaveProperty("checked");

  await page.goto(`/videos/${taskId}`);
  await expect(page.getByText("maya", { exact: false }).first()).toBeVisible();
  await studio.expectVideoPlays();

  await Promise.all(bodies);
  expect(leaks, "responses that carried the API key").toEqual([]);
});
