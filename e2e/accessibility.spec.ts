import { expectNoAxeViolations, expectNoHorizontalScroll } from "./axe";
import { expect, test } from "./fixtures";
import { AdvancedSection } from "./pages/advanced";
import { HistoryPage } from "./pages/history";
import { TakeSetPage, TakesControl } from "./pages/takes";

// Every page in each state it can be in, checked by axe-core (WCAG 2.1 A/AA + best practice),
// at a normal window and at 200 % zoom of a 1280 px window (640 CSS px, no horizontal scroll).

const token = `a11y${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** axe, and the same page at 200 % zoom of a 1280 px window: nothing scrolls sideways. */
async function check(page: import("@playwright/test").Page, label: string) {
  await expectNoAxeViolations(page, label);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 640, height: 400 });
  await expectNoHorizontalScroll(page, `${label} at 200 %`);
  if (size) await page.setViewportSize(size);
}

test("the studio in each state has no axe violations and no sideways scroll at 200 %", async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  await check(page, "studio, empty");

  await new AdvancedSection(page).open();
  await check(page, "studio, Advanced open");

  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(
    `A long unbroken prompt ${token} ${"supercalifragilisticexpialidocious".repeat(6)}`,
  );
  await check(page, "studio, files dropped");

  const taskId = await studio.generate();
  await studio.expectStatus(/Queued|Generating/);
  await check(page, "studio, running");
  await studio.expectCompleted();
  await check(page, "studio, completed");

  await page.goto(`/videos/${taskId}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await check(page, "task page, completed");

  await studio.goto();
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(`A calm street at night ${token} [demo-fail:moderation]`);
  const failedId = await studio.generate();
  await studio.expectStatus(/Failed/);
  await check(page, "studio, failed");
  await page.goto(`/videos/${failedId}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await check(page, "task page, failed");

  const history = new HistoryPage(page);
  await history.goto();
  await expect(history.item(token).first()).toBeVisible();
  await check(page, "history with items");

  await page.goto("/usage");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await check(page, "usage");
});

test("the take set and the Picked history have no axe violations", async ({ studio, page }) => {
  test.setTimeout(150_000);
  const takes = new TakesControl(page);
  const advanced = new AdvancedSection(page);
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(`Four takes ${token} [demo-fail:moderation@seed=1002]`);
  await takes.option(4).check();
  await advanced.open();
  await advanced.fixSeed("1000");
  await studio.generate();
  await expect(page).toHaveURL(/[?&]set=[^&]+/);
  const setId = new URL(page.url()).searchParams.get("set") as string;
  await check(page, "studio, take set running");
  for (const label of ["Take 1 of 4", "Take 2 of 4", "Take 4 of 4"]) {
    await expect(takes.panel(label)).toContainText("Completed", { timeout: 45_000 });
  }
  await expect(takes.panel("Take 3 of 4")).toContainText("Failed", { timeout: 45_000 });
  await check(page, "studio, take set settled");

  const set = new TakeSetPage(page);
  await set.goto(setId);
  await expect(set.tile("Take 3 of 4")).toContainText("Failed");
  await check(page, "take set page");
  await set.pickButton("Take 4 of 4").click();
  await expect(set.pickButton("Take 4 of 4")).toHaveAttribute("aria-pressed", "true");
  await check(page, "take set page, picked");

  const history = new HistoryPage(page);
  await history.goto();
  await page.getByRole("checkbox", { name: "Picked" }).check();
  await history.search.fill(token);
  await history.filterButton.click();
  await expect(history.item(token)).toHaveCount(1);
  await check(page, "history, Picked filter");
});

test("with reduced motion the progress bar and spinners do not animate", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto("/");
  const moving = await page.evaluate(
    () =>
      [...document.querySelectorAll("*")].filter((element) => {
        const style = getComputedStyle(element);
        const transition = style.transitionDuration
          .split(",")
          .some((value) => Number.parseFloat(value) > 0);
        return style.animationName !== "none" || transition;
      }).length,
  );
  expect(moving).toBe(0);
});

test("public files: robots.txt keeps search engines out, icons and the share card are images", async ({
  request,
}) => {
  const robots = await request.get("/robots.txt");
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toMatch(/User-agent: \*\s+Disallow: \/\s*$/);
  for (const file of ["/apple-touch-icon.png", "/icon-192.png", "/icon-512.png", "/og-image.png"]) {
    const response = await request.get(file);
    expect(response.status(), file).toBe(200);
    expect(response.headers()["content-type"], file).toMatch(/^image\/png/);
  }
});
