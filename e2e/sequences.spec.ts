import { expectNoAxeViolations } from "./axe";
import { expect, test } from "./fixtures";
import { continueFrom, expectKept } from "./pages/sequence";
import { TakesControl } from "./pages/takes";

// Sequences: a video, Continue (2 s) with two takes, Continue again: the sequence page shows
// three shots with their lengths, what each adds and the total, and plays them through.
// Replacing the middle shot with its other take puts the last one out of date; "Re-roll"
// (its cost on the button) makes it again from the new middle shot, on the server.

const token = `seq${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test("a continued video makes a sequence: shots, total, play through, replace, out of date, re-roll", async ({
  studio,
  page,
}) => {
  test.setTimeout(180_000);
  await studio.upload("First frame", "portrait.png");
  await studio.duration.fill("2");
  await studio.setPrompt(`Opening ${token}`);
  const a = await studio.generate();
  await studio.expectCompleted();
  await expectKept(page, a);

  // Two takes of the continuation: the first is the shot, the second can replace it.
  await continueFrom(page, a, 2);
  await expect(studio.duration).toHaveValue("4");
  await studio.setPrompt(`Middle ${token}`);
  const takes = new TakesControl(page);
  await takes.option(2).check();
  const b1 = await studio.generate();
  await expect(page).toHaveURL(/[?&]set=[^&]+/);
  for (const label of ["Take 1 of 2", "Take 2 of 2"]) {
    await expect(takes.panel(label)).toContainText("Completed", { timeout: 45_000 });
  }
  await expectKept(page, b1);

  await continueFrom(page, b1, 2);
  await studio.setPrompt(`End ${token}`);
  const c = await studio.generate();
  await studio.expectCompleted();
  await expectKept(page, c);

  // The history links each shot to its sequence; the task page says which sequence it is in.
  await page.goto("/videos");
  await expect(page.getByRole("link", { name: "Shot 3 of a sequence" }).first()).toBeVisible();
  await page.goto(`/videos/${c}`);
  await page.getByRole("link", { name: /^sequence / }).click();
  await expect(page).toHaveURL(/\/sequences\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole("heading", { name: "Sequence of 3 shots" })).toBeVisible();
  const shots = page
    .getByRole("list")
    .filter({ has: page.getByRole("listitem", { name: "Shot 1" }) });
  const shot = (n: number) => shots.getByRole("listitem", { name: `Shot ${n}`, exact: true });
  await expect(shot(1)).toContainText("2 s");
  await expect(shot(2)).toContainText(/4(\.\d)? s · adds \+2(\.\d)? s/);
  await expect(shot(3)).toContainText(/adds \+2(\.\d)? s/);
  await expect(page.getByTestId("sequence-total")).toHaveText(/^6(\.\d)? s$/);
  await expect(shot(3).getByRole("link", { name: /Shot 3/ })).toHaveAttribute(
    "href",
    `/videos/${c}`,
  );
  await expect(page.getByText("Out of date")).toHaveCount(0);
  await expectNoAxeViolations(page, "sequence page");

  // One play/pause, from the keyboard: it plays on into the second shot by itself.
  const play = page.getByRole("button", { name: "Play sequence" });
  await play.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Pause sequence" })).toBeVisible();
  await expect(page.getByText("Shot 2 of 3")).toBeVisible({ timeout: 15_000 });
  await page.getByRole("button", { name: "Pause sequence" }).click();
  await expect(play).toBeVisible();

  // Replace the middle shot with its other take: the last shot is out of date.
  const replaceWith = shot(2).getByLabel("Replace shot 2 with");
  await expect(replaceWith.locator("option")).toHaveText([/^Take 2 · 4 s · Middle/]);
  await replaceWith.selectOption({ index: 0 });
  await shot(2).getByRole("button", { name: "Replace" }).click();
  await expect(shot(3)).toContainText("Out of date");
  await expect(shot(2)).not.toContainText("Out of date");
  const reroll = page.getByRole("button", { name: /^Re-roll 1 shot: \$\d+\.\d{2}$/ });
  await expect(reroll).toBeVisible();
  await expectNoAxeViolations(page, "sequence page, a shot out of date");

  // Re-roll: approved at once, made on the server once the new middle shot is kept.
  await reroll.click();
  await expect(page.getByText(/Re-rolling/).first()).toBeVisible();
  await expect(shot(3)).not.toContainText("Out of date", { timeout: 60_000 });
  await expect(shot(3)).not.toContainText("Re-roll waiting");
  const newC =
    (await shot(3)
      .getByRole("link", { name: /Shot 3/ })
      .getAttribute("href")) ?? "";
  expect(newC).not.toBe(`/videos/${c}`);
  const made = await (await page.request.get(`/api/tasks/${newC.split("/").pop()}`)).json();
  expect(made.prompt).toBe(`End ${token}`);
  expect(made.seconds).toBe(4);
  expect(made.parent.taskId).not.toBe(b1);
  await expect(shot(3)).toContainText("Completed", { timeout: 45_000 });
  await expectNoAxeViolations(page, "sequence page, re-rolled");
});
