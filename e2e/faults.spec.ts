import { expect, test } from "./fixtures";
import { HistoryPage } from "./pages/history";

// Faults acted out by the demo gateway's `[demo-fail:<fault>]` prompt markers (see
// lib/gateway/demo/faults.ts). The patterns skip the marker itself, so they only match the
// app's own sentences.

test("a gateway that stops answering for a while: 'we keep trying', then the video plays", async ({
  studio,
}) => {
  await studio.upload("First frame", "portrait.png");
  // Every status read answers 503 for the first 5 s after the create, then all is well.
  await studio.setPrompt("Waves roll onto a beach [demo-fail:poll-503:5s]");
  await studio.generate();
  await expect(studio.taskStatus).toContainText("we keep trying", { timeout: 15_000 });
  // The task keeps its state while the gateway is away: not failed, still running.
  await expect(studio.taskStatus).toContainText(/Queued|Generating/);
  await expect(studio.taskStatus).not.toContainText(/Failed/);
  await studio.expectCompleted();
  await expect(studio.taskStatus).not.toContainText("we keep trying");
});

test("a create that never answers: 'Not confirmed', not sent again, and what to do", async ({
  studio,
  page,
}) => {
  // The server waits VIDEO_API_TIMEOUT_MS (10 s in playwright.config.ts) before giving up.
  test.setTimeout(60_000);
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt("A kite over the dunes [demo-fail:create-hang]");
  await expect(studio.generateButton).toBeEnabled();
  await studio.generateButton.click();
  await expect(page).toHaveURL(/[?&]task=[^&]+/, { timeout: 30_000 });

  const status = page.getByRole("status").filter({ hasText: /Not confirmed/ });
  await expect(status).toBeVisible();
  await expect(status).toContainText(/did not hear back/);
  await expect(status).toContainText(/It was not sent again, to avoid paying twice/);
  await expect(status).toContainText(/Check the gateway's console before trying again/);
  await expect(studio.video).toHaveCount(0);
  // It stays that way: the page does not resubmit on its own, and the form is usable again.
  await page.waitForTimeout(1500);
  await expect(status).toBeVisible();
  await expect(studio.generateButton).toBeEnabled();
});

test("a create refused for quota: the form says why, and the history keeps it as Refused, with the reason", async ({
  studio,
  page,
}) => {
  const prompt = `A glacier calves into the sea ${Date.now().toString(36)} [demo-fail:quota]`;
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(prompt);
  await studio.generateButton.click();
  const reason = "The video service account is out of credit. Ask an administrator to top it up.";
  await expect(page.getByRole("alert").filter({ hasText: reason })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("task")).toBeNull();

  const history = new HistoryPage(page);
  await history.goto();
  await history.filter({ state: "Refused" });
  expect(new URL(page.url()).searchParams.get("state")).toBe("refused");
  const item = history.item(prompt);
  await expect(item).toContainText("Refused");
  await expect(item).toContainText(reason);
  // Its own page says the same; nothing is being made.
  await item.getByRole("link").click();
  await expect(page.getByRole("status").filter({ hasText: "Refused" })).toContainText(reason);
  await expect(page.getByRole("progressbar")).toHaveCount(0);
});
