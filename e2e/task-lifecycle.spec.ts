import { expect, test } from "./fixtures";

// The demo gateway fails on purpose when the prompt carries a `[demo-fail:<kind>]` marker.
// The patterns below skip the marker itself ("moderation]"), so they only match the app's
// own sentence.

test("the status names each stage with the elapsed time", async ({ studio }) => {
  await studio.upload("First frame", "landscape.jpg");
  await studio.setPrompt("Clouds drift over the hills in the morning");
  await studio.generate();
  await studio.expectStatus(/(Queued|Generating) · \d+:\d{2}/);
  await studio.expectCompleted();
});

test("a task refused by moderation is shown as failed and the form stays usable", async ({
  studio,
}) => {
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt("A calm street at night [demo-fail:moderation]");
  await studio.generate();
  await studio.expectStatus(/Failed/);
  await expect(studio.taskStatus).toContainText(/(moderation|inappropriate)(?!\])/i);
  await expect(studio.video).toHaveCount(0);

  await studio.setPrompt("A calm street at night, second try");
  await expect(studio.generateButton).toBeEnabled();
  await studio.generate();
  await studio.expectCompleted();
});

test("an invalid-input failure is shown as failed", async ({ studio }) => {
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt("A bird takes off [demo-fail:invalid]");
  await studio.generate();
  await studio.expectStatus(/Failed/);
  await expect(studio.taskStatus).toContainText(/refused the inputs|invalid(?!\])/i);
  await expect(studio.generateButton).toBeEnabled();
});

test("a create refused for quota says so and starts no task", async ({ studio, page }) => {
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt("A fox runs through snow [demo-fail:quota]");
  await studio.generateButton.click();
  await expect(
    page
      .getByRole("alert")
      .or(page.getByRole("status"))
      .filter({ hasText: /(quota|credit|balance)(?!\])/i }),
  ).toBeVisible();
  expect(new URL(page.url()).searchParams.get("task")).toBeNull();
  await expect(studio.generateButton).toBeEnabled();
});

test("reloading mid-generation picks the task up again", async ({ studio, page }) => {
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt("A paper boat floats down a rainy street");
  const taskId = await studio.generate();
  await studio.expectStatus(/Queued|Generating/, 5_000);

  await page.reload();
  expect(new URL(page.url()).searchParams.get("task")).toBe(taskId);
  await expect(studio.taskStatus).toBeVisible();
  await studio.expectCompleted();
});
