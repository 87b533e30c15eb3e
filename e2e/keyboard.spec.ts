import { expect, test } from "./fixtures";
import { tabToLocator } from "./keyboard";
import { fixturePath } from "./pages/studio";

// The whole studio by keyboard alone: no clicks, no fill or check on elements. Each stop must
// show where the focus is; the status is announced in a live region; a disabled Generate says
// why through its accessible description.

test("a keyboard alone makes a video and downloads it; focus is always visible", async ({
  studio,
  page,
}) => {
  test.setTimeout(90_000);
  // Before any file, Generate is disabled and its description says why.
  await expect(studio.generateButton).toBeDisabled();
  await expect(studio.generateButton).toHaveAccessibleDescription(/.+/);

  // Every slot is a Tab stop; Enter opens the first frame's chooser.
  const chooser = new Promise<void>((resolve) => {
    page.once("filechooser", async (fileChooser) => {
      await fileChooser.setFiles(fixturePath("portrait.png"));
      resolve();
    });
  });
  await tabToLocator(page, studio.fileInput("First frame"));
  await page.keyboard.press("Enter");
  await chooser;
  await studio.expectKept("First frame", "portrait.png");
  // Every slot a first frame still allows is a Tab stop (the others are disabled, not stops).
  for (const slot of ["Last frame", "First clip", "Driving audio"] as const) {
    if (await studio.fileInput(slot).isEnabled()) await tabToLocator(page, studio.fileInput(slot));
  }
  // Space opens a chooser as well (answered with nothing: the slot stays empty).
  const second = new Promise<void>((resolve) => {
    page.once("filechooser", async (fileChooser) => {
      await fileChooser.setFiles([]);
      resolve();
    });
  });
  await page.keyboard.press("Space");
  await second;

  // Duration: select and type.
  await tabToLocator(page, studio.duration);
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("3");
  await expect(studio.duration).toHaveValue("3");
  // Resolution: arrow keys move the choice, as in any radio group.
  await tabToLocator(page, studio.resolution.getByRole("radio"));
  await page.keyboard.press("ArrowRight");
  await expect(studio.resolutionOption("1080P")).toBeChecked();
  await page.keyboard.press("ArrowLeft");
  await expect(studio.resolutionOption("720P")).toBeChecked();
  // Prompt.
  await tabToLocator(page, studio.prompt);
  await page.keyboard.type("A lighthouse at dusk, typed by keyboard");
  await expect(studio.prompt).toHaveValue("A lighthouse at dusk, typed by keyboard");

  // Generate with Enter; the status is announced in a polite live region.
  await tabToLocator(page, studio.generateButton);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]task=[^&]+/, { timeout: 15_000 });
  const live = page
    .locator('[role="status"][aria-live="polite"]')
    .filter({ hasText: /Queued|Generating|Completed/ });
  await expect(live).toBeVisible();
  await expect(live).toContainText("Completed", { timeout: 30_000 });

  // Reach Download from the result and take the file.
  const download = page.waitForEvent("download");
  await tabToLocator(page, studio.downloadLink);
  await page.keyboard.press("Enter");
  expect((await download).suggestedFilename()).toMatch(/\.mp4$/);
});
