import { type Browser, expect, type Page, test } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { focused, tabThroughPage, tabToLocator } from "./keyboard";
import { StudioPage } from "./pages/studio";
import { FRAME_SECONDS, TakeSetPage, TakesControl } from "./pages/takes";

// The pages added lately, by keyboard alone (issue 12): the take set's transport and Pick, a
// task page's review (a comment pinned to the player's time, the pin played, approve and
// request changes), the share panel (days, make, copy, revoke), the admin's share links and
// the public share page (a viewer comments under a name). Every control is a Tab stop that
// shows its focus, works with Enter or Space, and Tab always leaves the page in the end.
// Demo project: the local user is an admin, and a share link needs no sign-in to test the
// keyboard (the share project tests the signed-out viewer's rights). Webhooks' Send again
// needs receivers: keyboard-webhooks.spec.ts, in the webhooks project.

test.describe.configure({ mode: "serial" });
test.use({ permissions: ["clipboard-read", "clipboard-write"] });

const token = `keys${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const PROMPT = `Two takes for the keyboard ${token}`;
let setId = "";
let takeIds: string[] = [];

/** A take set of two 3 s takes, made once for the file. */
async function makeTakeSet(browser: Browser) {
  const page = await browser.newPage();
  const studio = new StudioPage(page);
  const takes = new TakesControl(page);
  await studio.goto();
  await studio.upload("First frame", "portrait.png");
  await studio.duration.fill("3");
  await studio.setPrompt(PROMPT);
  await takes.option(2).check();
  await studio.generate();
  await expect(page).toHaveURL(/[?&]set=[^&]+/);
  setId = new URL(page.url()).searchParams.get("set") as string;
  for (const label of ["Take 1 of 2", "Take 2 of 2"]) {
    await expect(takes.panel(label)).toContainText("Completed", { timeout: 45_000 });
  }
  const set = new TakeSetPage(page);
  await set.goto(setId);
  await set.expectSettled(2);
  takeIds = await Promise.all(
    ["Take 1 of 2", "Take 2 of 2"].map(async (label) => {
      const href = await set
        .tile(label)
        .getByRole("link", { name: "Open its page" })
        .getAttribute("href");
      return (href as string).split("/").pop() as string;
    }),
  );
  await page.close();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  await makeTakeSet(browser);
});

/** The player's time, read from the element (the test's eyes, not an action). */
function videoTime(page: Page, label: string) {
  return page
    .getByLabel(label)
    .first()
    .evaluate((video) => (video as HTMLVideoElement).currentTime);
}

test("take set: play and pause, frame steps, speed, scrubber, Pick and the frames menu by keyboard", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const set = new TakeSetPage(page);
  await set.goto(setId);
  await set.expectSettled(2);

  await tabToLocator(page, set.playButton);
  await page.keyboard.press("Enter");
  await expect(set.pauseButton).toBeFocused();
  await page.keyboard.press("Space");
  await expect(set.playButton).toBeFocused();

  await set.expectSettled(2);
  const start = (await set.times())[0];
  await tabToLocator(page, set.nextFrame);
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await set.times())[0]).toBeGreaterThan(start + FRAME_SECONDS / 2);
  await set.expectSettled(2);
  const stepped = (await set.times())[0];
  await page.keyboard.press(",");
  await expect.poll(async () => (await set.times())[0]).toBeLessThan(stepped);

  await tabToLocator(page, set.speed);
  await expect(set.speed).toHaveValue("1");
  await page.keyboard.press("ArrowDown");
  await expect(set.speed).toHaveValue("1.5");
  expect(
    await set.videos.evaluateAll((videos) =>
      videos.map((video) => (video as HTMLVideoElement).playbackRate),
    ),
  ).toEqual([1.5, 1.5]);

  await tabToLocator(page, set.position);
  await page.keyboard.press("End");
  await set.expectSettled(2);
  await expect.poll(async () => (await set.times())[0]).toBeGreaterThan(2.5);
  await page.keyboard.press("Home");
  await set.expectSettled(2);
  await expect.poll(async () => (await set.times())[0]).toBeLessThan(FRAME_SECONDS);

  const pick = set.pickButton("Take 1 of 2");
  await tabToLocator(page, pick);
  await page.keyboard.press("Enter");
  await expect(pick).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("status").filter({ hasText: "takes ready to play" })).toContainText(
    "Picked: take 1",
  );
  await page.keyboard.press("Space");
  await expect(pick).toHaveAttribute("aria-pressed", "false");
  await page.keyboard.press("Space");
  await expect(pick).toHaveAttribute("aria-pressed", "true");

  const menu = set.tile("Take 1 of 2").getByRole("button", { name: /^Frames and clips/ });
  await tabToLocator(page, menu);
  await page.keyboard.press("Space");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await tabToLocator(page, set.tile("Take 1 of 2").getByRole("button", { name: "Continue" }));
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();
  await expectNoAxeViolations(page, "take set after keyboard use");

  await set.goto(setId);
  const stops = await tabThroughPage(page);
  expect(stops).toEqual(expect.arrayContaining(["Play", "Position", "Pick", "Add comment"]));
});

test("task page review: a comment pinned to the player's time, the pin played, approve and request changes", async ({
  page,
}) => {
  test.setTimeout(60_000);
  await page.goto(`/videos/${takeIds[0]}`);
  const player = page.getByLabel("Generated video");
  await expect(player).toBeVisible();
  // Where the player is (set as the test's setup: the native controls draw in the browser).
  await player.evaluate(async (element) => {
    const video = element as HTMLVideoElement;
    if (video.readyState < 1)
      await new Promise((resolve) =>
        video.addEventListener("loadedmetadata", resolve, { once: true }),
      );
    video.currentTime = 1.5;
    await new Promise((resolve) => video.addEventListener("seeked", resolve, { once: true }));
  });

  const comments = page.getByRole("region", { name: /^Comments/ });
  await tabToLocator(page, comments.getByRole("textbox", { name: "Comment" }));
  await page.keyboard.type(`The door opens too fast ${token}`);
  const pinBox = comments.getByRole("checkbox", { name: "Pin to the player's current time" });
  await tabToLocator(page, pinBox);
  await expect(pinBox).toBeChecked();
  await page.keyboard.press("Space");
  await expect(pinBox).not.toBeChecked();
  await page.keyboard.press("Space");
  await expect(pinBox).toBeChecked();
  await tabToLocator(page, comments.getByRole("button", { name: "Add comment" }));
  await page.keyboard.press("Enter");
  await expect(comments.getByRole("status")).toHaveText("Comment added.");
  const pin = comments.getByRole("button", { name: "Play from 0:01.5" });
  await expect(pin).toBeVisible();

  await player.evaluate((element) => {
    (element as HTMLVideoElement).currentTime = 0;
  });
  // Back up from Add comment to the comment's time, above the form.
  await tabToLocator(page, pin, 20, true);
  await page.keyboard.press("Enter");
  await expect.poll(() => videoTime(page, "Generated video")).toBeCloseTo(1.5, 1);

  // The review panel is above the comments (the page's last stops): back up to it.
  const review = page.getByRole("region", { name: "Review" });
  await tabToLocator(page, review.getByRole("button", { name: "Approve" }), 80, true);
  await page.keyboard.press("Enter");
  await expect(review.getByRole("status")).toContainText("Approved by");
  await expect(review.getByRole("button", { name: "Approve" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  const requestChanges = review.getByRole("button", { name: "Request changes" });
  await tabToLocator(page, requestChanges);
  // The approval's save may still be settling (the buttons say so with aria-disabled).
  await expect(requestChanges).toHaveAttribute("aria-disabled", "false");
  await page.keyboard.press("Space");
  await expect(review.getByRole("status")).toContainText("Changes requested by");
  await expectNoAxeViolations(page, "task page after a keyboard review");

  await page.reload();
  await tabThroughPage(page);
});

test("share panel, the admin's share links and the public page, by keyboard", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await page.goto(`/videos/${takeIds[1]}`);
  const share = page.getByRole("region", { name: "Share" });
  const days = share.getByRole("combobox", { name: "Link expires after" });
  await tabToLocator(page, days);
  await expect(days).toHaveValue("7");
  await page.keyboard.press("ArrowDown");
  await expect(days).toHaveValue("30");
  const allowComments = share.getByRole("checkbox", { name: "Allow comments from viewers" });
  await tabToLocator(page, allowComments);
  await page.keyboard.press("Space");
  await expect(allowComments).toBeChecked();
  await tabToLocator(page, share.getByRole("button", { name: "Create share link" }));
  await page.keyboard.press("Enter");
  const field = share.getByRole("textbox", { name: "New share link" });
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{43}$/);
  const link = await field.inputValue();
  await expect(share.getByRole("list", { name: "Share links" })).toContainText(/Active/);

  await tabToLocator(page, share.getByRole("button", { name: "Copy" }));
  await page.keyboard.press("Enter");
  await expect(share.getByRole("status")).toHaveText(/copied/i);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await expectNoAxeViolations(page, "share panel with a new link");

  // The public page: a viewer (no cookies) comments under a name, by keyboard alone.
  const viewer = await (await browser.newContext()).newPage();
  await viewer.goto(link);
  await expect(viewer.getByRole("heading", { name: "Shared video" })).toBeVisible();
  await tabToLocator(viewer, viewer.getByRole("textbox", { name: "Your name" }));
  await viewer.keyboard.type("Robin from the agency");
  await tabToLocator(viewer, viewer.getByRole("textbox", { name: "Comment" }));
  await viewer.keyboard.type(`Lovely light ${token}`);
  await tabToLocator(viewer, viewer.getByRole("button", { name: "Add comment" }));
  await viewer.keyboard.press("Enter");
  await expect(viewer.getByText("Comment added.")).toBeVisible();
  await expect(viewer.getByRole("list", { name: "Comments" })).toContainText(
    "Robin from the agency",
  );
  await expectNoAxeViolations(viewer, "share page after a viewer's comment");
  await viewer.reload();
  await tabThroughPage(viewer);
  await viewer.context().close();

  // Revoke from the panel, by keyboard; the page says so.
  await page.reload();
  const revoke = share.getByRole("button", { name: /^Revoke the link made/ });
  await expect(revoke).toHaveCount(1);
  await tabToLocator(page, revoke);
  await page.keyboard.press("Enter");
  await expect(share.getByRole("status")).toHaveText("Share link revoked: it opens nothing now.");
  await expect(share.getByRole("list", { name: "Share links" })).toContainText(/Revoked/);
  expect((await focused(page)).tag).not.toBe("body");

  // Another link, revoked from the admin's list of every link (Create is above the outcome).
  await tabToLocator(page, share.getByRole("button", { name: "Create share link" }), 20, true);
  await page.keyboard.press("Enter");
  await expect(share.getByRole("list", { name: "Share links" })).toContainText(/Active/);
  await page.goto("/shares");
  const row = page.getByRole("row").filter({ hasText: PROMPT }).filter({ hasText: "Active" });
  await expect(row).toHaveCount(1);
  await tabToLocator(page, row.getByRole("button", { name: "Revoke" }));
  await page.keyboard.press("Enter");
  await expect(row).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "revoked" })).toBeVisible();
  expect((await focused(page)).tag).not.toBe("body");
  await expectNoAxeViolations(page, "share links after a revoke");
  await page.reload();
  await tabThroughPage(page);
});
