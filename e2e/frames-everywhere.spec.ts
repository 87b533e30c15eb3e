import type { Locator, Page } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { expect, test } from "./fixtures";
import { focused } from "./keyboard";
import { HistoryPage } from "./pages/history";
import { expectKept } from "./pages/sequence";
import type { StudioPage } from "./pages/studio";
import { TakeSetPage, TakesControl } from "./pages/takes";

// Frames and clips from every kept video, not only its own page (issue 10): each take of a
// take set, and each card of the history, offers Use last frame / Use first frame / Continue
// (and a take "Use this frame" from its player) behind a "Frames and clips" disclosure. The
// exact frames are checked pixel by pixel in frames.spec.ts; here, that each place takes them
// from the right video and opens the studio with them.

const token = `everywhere${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** The disclosure opens in place; Escape closes it and gives the focus back to its button. */
async function openAndEscape(page: Page, toggle: Locator, panel: Locator) {
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(panel).toBeHidden();
  await toggle.focus();
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(panel.getByRole("button", { name: "Use last frame" })).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(panel.getByRole("button", { name: "Use last frame" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(toggle).toBeFocused();
  expect((await focused(page)).visible).toBe(true);
  await expect(panel).toBeHidden();
}

/** A kept video of `seconds` from a first frame, made in the studio. */
async function keptVideo(studio: StudioPage, page: Page, prompt: string, seconds: number) {
  await studio.upload("First frame", "portrait.png");
  await studio.duration.fill(String(seconds));
  await studio.setPrompt(prompt);
  const taskId = await studio.generate();
  await studio.expectCompleted();
  await expectKept(page, taskId);
  return taskId;
}

test("take set: each take's Use last frame and Use this frame open the studio with its frame", async ({
  studio,
  page,
}) => {
  test.setTimeout(150_000);
  const takes = new TakesControl(page);
  await studio.upload("First frame", "portrait.png");
  await studio.duration.fill("3");
  await studio.setPrompt(`Two takes of a frame ${token}`);
  await takes.option(2).check();
  await studio.generate();
  await expect(page).toHaveURL(/[?&]set=[^&]+/);
  const setId = new URL(page.url()).searchParams.get("set") as string;
  for (const label of ["Take 1 of 2", "Take 2 of 2"]) {
    await expect(takes.panel(label)).toContainText("Completed", { timeout: 45_000 });
  }

  const set = new TakeSetPage(page);
  await set.goto(setId);
  await set.expectSettled(2);
  const tile = set.tile("Take 2 of 2");
  const href = await tile.getByRole("link", { name: "Open its page" }).getAttribute("href");
  const takeId = (href as string).split("/").pop() as string;
  const toggle = tile.getByRole("button", { name: "Frames and clips of Take 2 of 2" });
  const panel = tile.getByRole("region", { name: "Frames and clips for a new video" });
  await openAndEscape(page, toggle, panel);

  // Open: Use last frame, Use first frame, the frame shown now, Continue; axe-clean.
  await toggle.click();
  await expect(panel.getByRole("button", { name: "Use first frame" })).toBeVisible();
  await expect(panel.getByRole("button", { name: "Use this frame" })).toBeVisible();
  await expect(panel.getByRole("button", { name: "Continue" })).toBeVisible();
  await expectNoAxeViolations(page, "take set, a take's frames and clips open");

  await panel.getByRole("button", { name: "Use last frame" }).click();
  await expect(page).toHaveURL(/\/\?frame=[0-9a-f-]{36}$/, { timeout: 20_000 });
  await expect(studio.removeButton("First frame")).toBeVisible();
  await expect(studio.slot("First frame")).toContainText(`${takeId}-last-frame.png`);
  await studio.expectEmpty("Last frame");

  // Use this frame: the time this take's player shows, after a seek with the transport.
  await set.goto(setId);
  await set.expectSettled(2);
  await set.seekByClick(0.5);
  await set.expectSettled(2);
  const shown = await tile
    .locator("video")
    .evaluate((video) => (video as HTMLVideoElement).currentTime);
  expect(shown).toBeGreaterThan(0.5);
  await toggle.click();
  await panel.getByRole("combobox", { name: "The frame shown now, as" }).selectOption("Last frame");
  await panel.getByRole("button", { name: "Use this frame" }).click();
  await expect(page).toHaveURL(/\/\?frame=[0-9a-f-]{36}$/, { timeout: 20_000 });
  await expect(studio.removeButton("Last frame")).toBeVisible();
  await expect(studio.slot("Last frame")).toContainText(`${takeId}-frame-${shown.toFixed(2)}s.png`);
  await studio.expectEmpty("First frame");
});

test("history card: the menu's Use last frame and Continue open the studio with the frame and the clip", async ({
  studio,
  page,
}) => {
  test.setTimeout(150_000);
  const prompt = `A card that goes on ${token}`;
  const taskId = await keptVideo(studio, page, prompt, 5);

  const history = new HistoryPage(page);
  await history.goto(`?q=${encodeURIComponent(token)}`);
  const card = history.item(prompt);
  await expect(card).toHaveCount(1);
  const toggle = card.getByRole("button", { name: "Frames and clips" });
  const panel = card.getByRole("region", { name: "Frames and clips for a new video" });
  await openAndEscape(page, toggle, panel);

  // No player on a card: no "Use this frame"; the rest is there.
  await toggle.click();
  await expect(panel.getByRole("button", { name: "Use first frame" })).toBeVisible();
  await expect(panel.getByRole("button", { name: "Continue" })).toBeVisible();
  await expect(panel.getByRole("button", { name: "Use this frame" })).toHaveCount(0);
  await expectNoAxeViolations(page, "history, a card's frames and clips open");
  // A click elsewhere closes it too.
  await page.getByRole("heading", { name: "History" }).click();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");

  // By keyboard: open, Tab to Use last frame, Enter.
  await toggle.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(panel.getByRole("button", { name: "Use last frame" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/\?frame=[0-9a-f-]{36}$/, { timeout: 20_000 });
  await expect(studio.removeButton("First frame")).toBeVisible();
  await expect(studio.slot("First frame")).toContainText(`${taskId}-last-frame.png`);
  await studio.expectEmpty("Last frame");

  // Continue: the card's video's last 3 s as the First clip, the length preset to add 2 s.
  await history.goto(`?q=${encodeURIComponent(token)}`);
  await toggle.click();
  await expect(panel.getByRole("spinbutton", { name: "Seconds to carry over" })).toHaveValue("3");
  await panel.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/\?clip=[0-9a-f-]{36}$/, { timeout: 30_000 });
  const clipId = new URL(page.url()).searchParams.get("clip");
  await expect(studio.removeButton("First clip")).toBeVisible();
  await expect(studio.slot("First clip")).toContainText(`${taskId}-last-3s.mp4`);
  await expect(studio.duration).toHaveValue("5");
  await expectNoAxeViolations(page, "studio, a clip continued from a history card");

  // The continuation records its parent, as from the task page.
  await studio.setPrompt(`The card, going on ${token}`);
  const nextId = await studio.generate();
  await studio.expectCompleted();
  const next = await (await page.request.get(`/api/tasks/${nextId}`)).json();
  expect(next.media).toEqual([{ type: "first_clip", mediaId: clipId }]);
  expect(next.parent).toEqual({ taskId, fromSeconds: 2, toSeconds: 5 });
});
