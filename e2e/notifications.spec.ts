import { type Browser, type BrowserContext, expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { instrumentNotifications, NoticesPage } from "./pages/notices";
import { StudioPage } from "./pages/studio";

// "Tell me when it's done" (issue 11): a video I started finishes while I look elsewhere. A
// system notification through a granted permission (recorded: headless may show nothing), the
// tab title's count, an in-page toast without permission or in another tab, and never twice.

/** Long enough for a finished video's notice to have reached every tab that could show it. */
const SETTLE_MS = 2500;

async function studioContext(browser: Browser, granted: boolean): Promise<BrowserContext> {
  const baseURL = test.info().project.use.baseURL as string;
  const context = await browser.newContext({ baseURL });
  if (granted) await context.grantPermissions(["notifications"], { origin: baseURL });
  await instrumentNotifications(context);
  return context;
}

async function startVideo(studio: StudioPage, prompt: string): Promise<string> {
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(prompt);
  return studio.generate();
}

test("a hidden tab gets one notification, opted in from the control, and the title counts", async ({
  browser,
}) => {
  const context = await studioContext(browser, true);
  const page = await context.newPage();
  const studio = new StudioPage(page);
  const notices = new NoticesPage(page);
  await studio.goto();
  // Nothing asks on load; the control says it is off until pressed.
  await expect(notices.toggle).toHaveAttribute("aria-pressed", "false");
  expect(await notices.permissionRequests()).toBe(0);
  await notices.turnOn();
  await expectNoAxeViolations(page, "the studio with notifications on");

  const prompt = `A heron lifts off ${Date.now()}`;
  await notices.setHidden(true);
  const taskId = await startVideo(studio, prompt);
  await expect
    .poll(() => notices.notifications(), { timeout: 30_000 })
    .toContain(`Video ready: ${prompt}`);
  await expect(page).toHaveTitle(/^\(1\) /);
  await page.waitForTimeout(SETTLE_MS);
  expect((await notices.notifications()).filter((title) => title.includes(prompt))).toHaveLength(1);
  // Announced by the notification: no toast waits in the page too.
  await expect(notices.toast(prompt)).toHaveCount(0);

  // Clicking it brings the tab to the result; looking clears the count.
  await notices.clickNotification();
  await notices.setHidden(false);
  await expect(page).not.toHaveTitle(/^\(\d+\) /);
  await expect(page).toHaveURL(new RegExp(`task=${taskId}`));
  await studio.expectStatus(/Completed/);

  // Turned off: the next one is a toast, waiting in the page.
  await notices.toggle.click();
  await expect(notices.toggle).toHaveAttribute("aria-pressed", "false");
  await context.close();
});

test("without permission a toast says it, in the page; the control asks only when pressed", async ({
  browser,
}) => {
  const context = await studioContext(browser, false);
  const page = await context.newPage();
  const studio = new StudioPage(page);
  const notices = new NoticesPage(page);
  await studio.goto();
  await page.waitForTimeout(500);
  expect(await notices.permissionRequests()).toBe(0);

  const prompt = `A kettle steams ${Date.now()}`;
  await notices.setHidden(true);
  await startVideo(studio, prompt);
  await expect(notices.toast(`Video ready: ${prompt}`)).toBeVisible({ timeout: 30_000 });
  await expect(page).toHaveTitle(/^\(1\) /);
  expect(await notices.notifications()).toEqual([]);
  await notices.setHidden(false);
  await expect(page).not.toHaveTitle(/^\(\d+\) /);
  await expectNoAxeViolations(page, "the studio with a finished-video toast");

  const toast = notices.toast(`Video ready: ${prompt}`);
  await toast.getByRole("button", { name: `Dismiss: Video ready: ${prompt}` }).click();
  await expect(toast).toHaveCount(0);

  // The control asks the browser only now, when pressed.
  await notices.toggle.click();
  await expect.poll(() => notices.permissionRequests()).toBe(1);
  await context.close();
});

test("with two tabs open it is announced once: a toast where I look, nothing in the hidden studio", async ({
  browser,
}) => {
  const context = await studioContext(browser, true);
  const studioTab = await context.newPage();
  const studio = new StudioPage(studioTab);
  const inStudio = new NoticesPage(studioTab);
  await studio.goto();
  await inStudio.turnOn();
  const historyTab = await context.newPage();
  const inHistory = new NoticesPage(historyTab);
  await historyTab.goto("/videos");

  // I look at the history; the studio's tab is in the background.
  const prompt = `Rain on a tin roof ${Date.now()}`;
  await inStudio.setHidden(true);
  const taskId = await startVideo(studio, prompt);
  const toast = inHistory.toast(`Video ready: ${prompt}`);
  await expect(toast).toBeVisible({ timeout: 30_000 });
  await historyTab.waitForTimeout(SETTLE_MS);
  await expect(toast).toHaveCount(1);
  await expect(inStudio.toast(prompt)).toHaveCount(0);
  expect(await inStudio.notifications()).toEqual([]);
  expect(await inHistory.notifications()).toEqual([]);
  await expect(historyTab).not.toHaveTitle(/^\(\d+\) /);
  await toast.getByRole("link", { name: "Open the video" }).click();
  await expect(historyTab).toHaveURL(new RegExp(`/videos/${taskId}$`));

  // Both tabs in the background: one system notification between them; it opens the video.
  await historyTab.goto("/videos");
  await inHistory.setHidden(true);
  await studio.goto();
  await inStudio.setHidden(true);
  const second = `Snow on a pine ${Date.now()}`;
  const secondId = await startVideo(studio, second);
  await expect
    .poll(
      async () =>
        [...(await inStudio.notifications()), ...(await inHistory.notifications())].filter(
          (title) => title === `Video ready: ${second}`,
        ).length,
      { timeout: 30_000 },
    )
    .toBe(1);
  await studioTab.waitForTimeout(SETTLE_MS);
  const fromHistory = (await inHistory.notifications()).includes(`Video ready: ${second}`);
  const fromStudio = (await inStudio.notifications()).includes(`Video ready: ${second}`);
  expect(Number(fromHistory) + Number(fromStudio)).toBe(1);
  await expect(studioTab).toHaveTitle(/^\(1\) /);
  await expect(historyTab).toHaveTitle(/^\(1\) /);
  if (fromHistory) {
    // Clicked in the history's tab: it goes to the video.
    await inHistory.clickNotification();
    await expect(historyTab).toHaveURL(new RegExp(`/videos/${secondId}$`));
  }
  // Looking at either tab clears the count in both.
  await inHistory.setHidden(false);
  await expect(historyTab).not.toHaveTitle(/^\(\d+\) /);
  await expect(studioTab).not.toHaveTitle(/^\(\d+\) /);
  await context.close();
});
