import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { HistoryPage, TaskPage } from "./pages/history";
import { StudioPage } from "./pages/studio";

// Other specs make videos on the same server at the same time, so every assertion is about
// this file's own videos, found by a token in their prompts, never about counts or positions
// of everything in the history.
const token = `h${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const prompts = {
  harbour: `Lanterns drift over the harbour-${token} at dusk`,
  valley: `Morning fog lifts off the valley ${token}`,
  refused: `A crowd waves flags ${token} [demo-fail:moderation]`,
};
const ids = { harbour: "", valley: "", refused: "" };

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }, testInfo) => {
  testInfo.setTimeout(90_000);
  const page = await browser.newPage({ baseURL: testInfo.project.use.baseURL });
  const studio = new StudioPage(page);

  // Oldest first: a 5 s 720P first frame, then a 4 s 1080P first + last frame, then a refusal.
  await studio.goto();
  await studio.dropFile("First frame", "portrait.png");
  await studio.expectKept("First frame", "portrait.png");
  await studio.setPrompt(prompts.harbour);
  ids.harbour = await studio.generate();
  await studio.expectStatus(/Completed/);

  await studio.goto();
  await studio.dropFile("First frame", "landscape.jpg");
  await studio.expectKept("First frame", "landscape.jpg");
  await studio.upload("Last frame", "ending.png");
  await studio.duration.fill("4");
  await studio.resolutionOption("1080P").check();
  await studio.setPrompt(prompts.valley);
  ids.valley = await studio.generate();
  await studio.expectStatus(/Completed/);

  await studio.goto();
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(prompts.refused);
  ids.refused = await studio.generate();
  await studio.expectStatus(/Failed/);
  await page.close();
});

/** The poster is made after the copy is kept; wait for it rather than race it. */
async function expectPoster(page: Page, taskId: string) {
  await expect
    .poll(async () => (await page.request.get(`/api/tasks/${taskId}/poster`)).status(), {
      timeout: 20_000,
    })
    .toBe(200);
}

test("the history lists the videos newest first, with state, prompt, settings and poster", async ({
  page,
}) => {
  await expectPoster(page, ids.harbour);
  await expectPoster(page, ids.valley);
  const history = new HistoryPage(page);

  // The unfiltered history has the newest of them near the top (first page).
  await history.goto();
  await expect(history.item(prompts.refused)).toBeVisible();

  await history.goto(`?q=${token}`);
  expect(await history.promptsContaining(token)).toEqual([
    prompts.refused,
    prompts.valley,
    prompts.harbour,
  ]);

  const harbour = history.item(prompts.harbour);
  await expect(harbour).toContainText("Completed");
  await expect(harbour).toContainText("First frame · 5 s · 720P");
  await expect(harbour.getByRole("link")).toHaveAttribute("href", `/videos/${ids.harbour}`);
  const valley = history.item(prompts.valley);
  await expect(valley).toContainText("Completed");
  await expect(valley).toContainText("First frame + Last frame · 4 s · 1080P");
  const refused = history.item(prompts.refused);
  await expect(refused).toContainText("Failed");
  await expect(refused).toContainText("No preview");
  await expect(refused.locator("img")).toHaveCount(0);

  for (const [item, taskId] of [
    [harbour, ids.harbour],
    [valley, ids.valley],
  ] as const) {
    const poster = item.locator("img");
    await expect(poster).toHaveAttribute("src", `/api/tasks/${taskId}/poster`);
    await poster.scrollIntoViewIfNeeded();
    await expect
      .poll(() => poster.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    const response = await page.request.get(`/api/tasks/${taskId}/poster`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("image/jpeg");
    const bytes = await response.body();
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]); // JPEG start-of-image
  }
  // Three videos fit on one page: no way to older ones.
  await expect(history.olderLink).toHaveCount(0);
});

test("the filters narrow the history by state, inputs and prompt words", async ({ page }) => {
  const history = new HistoryPage(page);
  await history.goto();

  await history.filter({ state: "Failed", search: token });
  expect(new URL(page.url()).searchParams.get("state")).toBe("failed");
  await expect(history.item(prompts.refused)).toBeVisible();
  await expect(history.item(prompts.refused)).toContainText(/moderation\]/);
  await expect(history.item(prompts.harbour)).toHaveCount(0);
  await expect(history.item(prompts.valley)).toHaveCount(0);
  // The form shows the filters it applied.
  await expect(history.state).toHaveValue("failed");
  await expect(history.search).toHaveValue(token);

  await history.filter({ state: "Completed", search: token });
  await expect(history.item(prompts.harbour)).toBeVisible();
  await expect(history.item(prompts.valley)).toBeVisible();
  await expect(history.item(prompts.refused)).toHaveCount(0);

  await history.filter({ inputs: "First frame + Last frame", search: token });
  expect(new URL(page.url()).searchParams.get("combination")).toBe("first_frame+last_frame");
  await expect(history.item(prompts.valley)).toBeVisible();
  await expect(history.item(prompts.harbour)).toHaveCount(0);
  await expect(history.item(prompts.refused)).toHaveCount(0);

  // One word of one prompt, in other letters' case.
  await history.filter({ search: `HARBOUR-${token.toUpperCase()}` });
  expect(await history.promptsContaining(token)).toEqual([prompts.harbour]);

  await history.filter({ state: "Running", search: token });
  await expect(page.getByRole("status")).toHaveText("No videos match these filters.");
  await expect(history.list).toHaveCount(0);
});

test("a task's page plays the video and shows its settings, timings, cost and inputs", async ({
  page,
}) => {
  const task = new TaskPage(page);
  const player = new StudioPage(page);
  await task.goto(ids.valley);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(prompts.valley);
  await expect(player.taskStatus).toContainText("Completed");
  await player.expectVideoPlays();
  await player.expectDownloadIsMp4();

  await expect(task.fact("Duration")).toHaveText("4 s");
  await expect(task.fact("Resolution")).toHaveText("1080P");
  await expect(task.fact("Estimated cost")).toContainText("$0.60");
  for (const term of ["Queued", "Started", "Finished"]) {
    await expect(task.fact(term)).toContainText(/\d{2}:\d{2}:\d{2} UTC/);
  }
  await expect(task.fact("Elapsed")).toHaveText(/^\d+:\d{2}$/);

  for (const alt of ["First frame: landscape.jpg", "Last frame: ending.png"]) {
    const preview = task.inputs.getByRole("img", { name: alt });
    await expect(preview).toBeVisible();
    await expect
      .poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
  }

  // The 5 s 720P video costs 5 × $0.10.
  await task.goto(ids.harbour);
  await expect(task.fact("Estimated cost")).toContainText("$0.50");
  await expect(task.fact("Duration")).toHaveText("5 s");
  await expect(task.fact("Resolution")).toHaveText("720P");
});

test("a finished task's page holds its player and poster in the first HTML, and hydrates without a mismatch", async ({
  page,
}) => {
  await expectPoster(page, ids.harbour);
  // As the server sends it, before any script: the player with its poster, the poster
  // preloaded (React sends the page's preloads as a Link header, ahead of the HTML), and no
  // "Loading the task…" in its place.
  const response = await page.request.get(`/videos/${ids.harbour}`);
  expect(response.headers().link ?? "").toContain(
    `</api/tasks/${ids.harbour}/poster>; rel=preload; as="image"`,
  );
  const html = await response.text();
  const markup = html.slice(0, html.indexOf("self.__next_f"));
  expect(markup).toContain('aria-label="Generated video"');
  expect(markup).toContain(`poster="/api/tasks/${ids.harbour}/poster"`);
  expect(markup).not.toContain("Loading the task…");

  // The browser renders the same thing from the seed: React reports no hydration error.
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  const task = new TaskPage(page);
  await task.goto(ids.harbour);
  await expect(page.getByLabel("Generated video")).toHaveAttribute(
    "poster",
    `/api/tasks/${ids.harbour}/poster`,
  );
  await page.waitForLoadState("networkidle");
  expect(errors.filter((text) => /hydrat|#418|#423|#425/i.test(text))).toEqual([]);
});

test("Remix opens the studio with the same media and settings, and generates without uploading", async ({
  page,
}) => {
  const uploads: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/uploads")) uploads.push(request.url());
  });
  const task = new TaskPage(page);
  const studio = new StudioPage(page);
  await task.goto(ids.valley);
  await task.remixLink.click();
  await expect(page).toHaveURL(new RegExp(`/\\?remix=${ids.valley}$`));

  await studio.expectKept("First frame", "landscape.jpg");
  await studio.expectKept("Last frame", "ending.png");
  await studio.expectEmpty("Driving audio");
  await expect(studio.slot("First frame").getByRole("img")).toBeVisible();
  await expect(studio.duration).toHaveValue("4");
  await expect(studio.resolutionOption("1080P")).toBeChecked();
  await expect(studio.prompt).toHaveValue(prompts.valley);

  const remixId = await studio.generate();
  expect(remixId).not.toBe(ids.valley);
  await studio.expectCompleted();
  await expect(page.getByRole("link", { name: "Open its page" })).toHaveAttribute(
    "href",
    `/videos/${remixId}`,
  );
  expect(uploads).toEqual([]);

  // The new task was made from the very same stored files, with the same settings.
  const [original, remix] = await Promise.all(
    [ids.valley, remixId].map(async (id) => (await page.request.get(`/api/tasks/${id}`)).json()),
  );
  expect(remix.media).toEqual(original.media);
  expect([remix.seconds, remix.size, remix.prompt]).toEqual([4, "1080P", prompts.valley]);
});
