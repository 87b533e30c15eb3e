import { expectNoAxeViolations } from "./axe";
import { expect, test } from "./fixtures";
import { tabToLocator } from "./keyboard";
import { HistoryPage } from "./pages/history";
import { expectKept } from "./pages/sequence";

// Sequences are the team's like videos: a video, Continue (2 s), Generate; the history's
// "Sequences" filter lists the sequence as a card (its shots, total, who made it) that opens
// its page, and the shot's own card in the videos wears a "Sequence" badge beside its link.

const token = `seqhist${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test("history lists the sequence with its shots, total and maker; the shot wears the badge", async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  await studio.upload("First frame", "portrait.png");
  await studio.duration.fill("2");
  await studio.setPrompt(`Opening ${token}`);
  const first = await studio.generate();
  await studio.expectCompleted();
  await expectKept(page, first);

  await page.goto(`/videos/${first}`);
  const frames = page.getByRole("region", { name: "Frames and clips for a new video" });
  await frames.getByRole("spinbutton", { name: "Seconds to carry over" }).fill("2");
  await frames.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/\?clip=/, { timeout: 30_000 });
  // 2 s carried over, 2 s added.
  await expect(studio.duration).toHaveValue("4");
  await studio.setPrompt(`Next ${token}`);
  const second = await studio.generate();
  await studio.expectCompleted();
  await expectKept(page, second);

  // The filter, from the keyboard: a checkbox with its label, kept in the URL.
  const history = new HistoryPage(page);
  await history.goto();
  const filter = page.getByRole("checkbox", { name: "Sequences" });
  await expect(filter).not.toBeChecked();
  await tabToLocator(page, filter);
  await page.keyboard.press("Space");
  await expect(filter).toBeChecked();
  await tabToLocator(page, history.filterButton);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/videos\?(.*&)?sequences=1/);
  await expect(filter).toBeChecked();
  await expect(page.getByRole("list", { name: "Videos" })).toHaveCount(0);

  const card = page
    .getByRole("list", { name: "Sequences" })
    .getByRole("listitem")
    .filter({ hasText: `Opening ${token}` });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("2 shots");
  await expect(card).toContainText(/total 4(\.\d)? s/);
  await expect(card).toContainText("by Local user");
  await expect(card.getByText("Sequence", { exact: true })).toBeVisible();
  await expect(card.locator("img")).toHaveAttribute("src", `/api/tasks/${first}/poster`);
  await expectNoAxeViolations(page, "history, Sequences filter");

  // The card opens the sequence's page, which says who made it.
  const link = card.getByRole("link");
  await tabToLocator(page, link);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/sequences\/[A-Za-z0-9_-]+$/);
  const sequenceUrl = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { name: "Sequence of 2 shots" })).toBeVisible();
  await expect(page.getByText(/^by Local user · total 4(\.\d)? s · made /)).toBeVisible();

  // Each shot's card in the videos: the badge beside the link to its sequence.
  await history.goto(`?q=${token}`);
  for (const [prompt, shot] of [
    [`Opening ${token}`, "Shot 1 of a sequence"],
    [`Next ${token}`, "Shot 2 of a sequence"],
  ]) {
    const item = history.item(prompt);
    await expect(item.getByRole("link", { name: shot })).toHaveAttribute("href", sequenceUrl);
    await expect(item.getByText("Sequence", { exact: true })).toBeVisible();
  }
  await expectNoAxeViolations(page, "history, shots of a sequence");
});
