import { expect, test } from "./fixtures";
import { AdvancedSection } from "./pages/advanced";
import { HistoryPage } from "./pages/history";
import { FRAME_SECONDS, TakeSetPage, TakesControl } from "./pages/takes";

// Takes: one Generate makes four videos that differ by seed; one is scripted to fail by
// moderation (the demo gateway's `@seed=` marker), the three others play in sync on the take
// set page, one is picked, and the history shows the pick. Remix reopens the set's settings.

const token = `takes${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const MODERATION = /The content check refused this video/;

test("four takes: one fails in words, three play in sync, Pick shows in history, remix keeps Takes 4", async ({
  studio,
  page,
}) => {
  test.setTimeout(150_000);
  const takes = new TakesControl(page);
  const advanced = new AdvancedSection(page);
  const prompt = `Four takes ${token} [demo-fail:moderation@seed=1002]`;

  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(prompt);
  await expect(takes.option(1)).toBeChecked();
  await expect(takes.estimate).toContainText("Estimated cost: $0.50");
  // Keyboard: the choice moves with the arrow keys, as in any radio group.
  await takes.option(1).focus();
  await page.keyboard.press("ArrowRight");
  await expect(takes.option(2)).toBeChecked();
  await takes.option(4).check();
  await expect(takes.estimate).toContainText("Estimated cost: 4 × $0.50 = $2.00");
  await advanced.open();
  await advanced.fixSeed("1000");

  await studio.generate();
  await expect(page).toHaveURL(/[?&]set=[^&]+/);
  const setId = new URL(page.url()).searchParams.get("set") as string;

  // Each take on its own: three complete, the one sent with seed 1002 fails, said in words.
  for (const [label, seed] of [
    ["Take 1 of 4", 1000],
    ["Take 2 of 4", 1001],
    ["Take 4 of 4", 1003],
  ] as const) {
    await expect(takes.panel(label)).toContainText("Completed", { timeout: 45_000 });
    await expect(takes.panel(label)).toContainText(`Seed: ${seed}`);
  }
  await expect(takes.panel("Take 3 of 4")).toContainText("Failed", { timeout: 45_000 });
  await expect(takes.panel("Take 3 of 4")).toContainText(MODERATION);
  await expect(takes.panel("Take 3 of 4")).toContainText("Seed: 1002");

  await takes.compareLink.click();
  await expect(page).toHaveURL(new RegExp(`/takes/${setId}$`));
  const set = new TakeSetPage(page);
  await expect(set.tile("Take 3 of 4")).toContainText("Failed");
  await expect(set.tile("Take 3 of 4")).toContainText(MODERATION);
  await expect(set.pickButton("Take 3 of 4")).toHaveCount(0);
  // Only the seed differs between the takes.
  await expect(set.differences.getByRole("rowheader")).toHaveText(["Seed"]);
  await expect(set.differences.getByRole("row").nth(1)).toContainText("1000100110021003");
  await expect(set.sound).toHaveAttribute("aria-pressed", "false");
  expect(
    await set.videos.evaluateAll((elements) =>
      elements.every((element) => (element as HTMLVideoElement).muted),
    ),
  ).toBe(true);

  // After a seek every player shows the same time (within one frame).
  await set.expectSettled(3);
  await set.seekByClick(0.5);
  await set.expectSettled(3);
  const seekedTo = await set.expectInSync();
  // Half-way along the slider is half-way through the video (the demo renders `seconds`).
  const length = await set.videos.first().evaluate((video) => (video as HTMLVideoElement).duration);
  expect(seekedTo).toBeGreaterThan(length / 2 - 0.5);
  expect(seekedTo).toBeLessThan(length / 2 + 0.5);
  // A frame step with the keyboard moves every player one frame.
  await page.keyboard.press(".");
  await set.expectSettled(3);
  await expect
    .poll(async () => (await set.times())[0])
    .toBeGreaterThan(seekedTo + FRAME_SECONDS / 2);
  const stepped = await set.expectInSync();
  expect(stepped).toBeLessThan(seekedTo + 2 * FRAME_SECONDS);
  await page.keyboard.press(",");
  await set.expectSettled(3);
  await expect.poll(async () => (await set.times())[0]).toBeLessThan(stepped);
  await set.expectInSync();

  // Two seconds of playback later they are still within one frame of each other.
  // Back to the start with the scrubber's Home key, then play.
  await set.position.focus();
  await page.keyboard.press("Home");
  await set.expectSettled(3);
  await expect.poll(async () => (await set.times())[0]).toBeLessThan(FRAME_SECONDS);
  await set.expectInSync();
  await set.playButton.click();
  await expect(set.pauseButton).toBeVisible();
  await page.waitForTimeout(2000);
  const played = await set.expectInSync();
  expect(played).toBeGreaterThan(1);
  await set.pauseButton.click();
  await expect(set.playButton).toBeVisible();

  // One speed for all; sound only when asked, and then from the first take alone.
  await set.speed.selectOption("0.5");
  expect(
    await set.videos.evaluateAll((elements) =>
      elements.map((element) => (element as HTMLVideoElement).playbackRate),
    ),
  ).toEqual([0.5, 0.5, 0.5]);
  await set.sound.click();
  await expect(set.sound).toHaveAttribute("aria-pressed", "true");
  expect(
    await set.videos.evaluateAll((elements) =>
      elements.map((element) => (element as HTMLVideoElement).muted),
    ),
  ).toEqual([false, true, true]);

  // Pick: one per set, changeable, shown on the tile.
  await set.pickButton("Take 4 of 4").click();
  await expect(set.pickButton("Take 4 of 4")).toHaveAttribute("aria-pressed", "true");
  await set.pickButton("Take 2 of 4").click();
  await expect(set.pickButton("Take 2 of 4")).toHaveAttribute("aria-pressed", "true");
  await expect(set.pickButton("Take 4 of 4")).toHaveAttribute("aria-pressed", "false");
  await expect(set.tile("Take 2 of 4").getByText("Picked", { exact: true })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "takes ready to play" })).toContainText(
    "Picked: take 2, by Local user.",
  );
  await expect(page.getByText("Picked", { exact: true })).toHaveCount(1);

  // The history's Picked filter finds it, with its badge and its place in the set.
  const history = new HistoryPage(page);
  await history.goto();
  await page.getByRole("checkbox", { name: "Picked" }).check();
  await history.search.fill(token);
  await history.filterButton.click();
  await expect(page).toHaveURL(/picked=1/);
  await expect(history.item(token)).toHaveCount(1);
  await expect(history.item(token)).toContainText("Picked");
  await expect(history.item(token)).toContainText("Seed 1001");
  await expect(history.item(token).getByRole("link", { name: "Take 2 of 4" })).toBeVisible();
  // Unfiltered, all four takes are listed, each with its place; only one is picked.
  await history.goto(`?q=${encodeURIComponent(token)}`);
  await expect(history.item(token)).toHaveCount(4);
  await expect(history.item(token).filter({ hasText: "Picked" })).toHaveCount(1);

  // The picked take's page says so, and leads back to the set.
  await history.item(token).filter({ hasText: "Picked" }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/videos\/[A-Za-z0-9_-]+$/);
  await expect(page.getByText("Take 2 of 4", { exact: true })).toBeVisible();
  await expect(page.getByText("Picked", { exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Compare takes" }).click();
  await expect(page).toHaveURL(new RegExp(`/takes/${setId}$`));
  await expect(set.pickButton("Take 2 of 4")).toHaveAttribute("aria-pressed", "true");

  // Remix of the set: the form again with its settings and Takes 4 (seeds Random: new takes).
  await set.remixLink.click();
  await expect(page).toHaveURL(new RegExp(`/\\?remixSet=${setId}$`));
  await studio.expectKept("First frame", "portrait.png");
  await expect(studio.prompt).toHaveValue(prompt);
  await expect(takes.option(4)).toBeChecked();
  await expect(takes.estimate).toContainText("4 × $0.50 = $2.00");
});
