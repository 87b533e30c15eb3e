import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { focused, tabThroughPage, tabToLocator } from "./keyboard";
import { StudioPage } from "./pages/studio";
import { WEBHOOKS_E2E } from "./webhooks-settings";

// The webhooks admin page by keyboard alone (issue 12): the filters and each delivery's Send
// again are Tab stops that show their focus and work with Enter; Tab leaves the page in the
// end. In the `webhooks` project (its file name ends in webhooks.spec.ts): deliveries need the
// receivers that project's server posts to.

test("webhooks admin: filter and Send again by keyboard", async ({ page }) => {
  test.setTimeout(90_000);
  const studio = new StudioPage(page);
  await studio.goto();
  const prompt = `A keyboard sends it again ${Date.now()}`;
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(prompt);
  await studio.generate();
  await studio.expectCompleted();

  await page.goto("/admin/webhooks");
  const rows = page.getByRole("row").filter({ hasText: prompt });
  const ok = rows.filter({ hasText: `${WEBHOOKS_E2E.receiver}/ok` });
  await expect(async () => {
    await page.reload();
    await expect(ok).toContainText("Delivered", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  // A filter link by keyboard, then back to All.
  const delivered = page.getByRole("link", { name: /^Delivered \(\d+\)$/ });
  await tabToLocator(page, delivered);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/status=delivered/);
  await expect(delivered).toHaveAttribute("aria-current", "page");
  await expect(ok).toHaveCount(1);

  // Each Send again names its receiver; Enter sends, and the page says so.
  const again = ok.getByRole("button", { name: `Send again to ${WEBHOOKS_E2E.receiver}/ok` });
  await tabToLocator(page, again);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/result=(queued|busy)/);
  await expect(page.getByRole("status")).toHaveText(
    /Sending again now\.|That delivery is being tried right now/,
  );
  expect((await focused(page)).tag).not.toBe("body");
  await expectNoAxeViolations(page, "the webhooks admin page after Send again");

  await page.goto("/admin/webhooks");
  const stops = await tabThroughPage(page, 600);
  expect(stops).toEqual(expect.arrayContaining([expect.stringMatching(/^Send again/)]));
});
