import { readFileSync } from "node:fs";
import type { APIRequestContext, Page } from "@playwright/test";
import { serverActionId } from "./actions";
import { expect, test } from "./fixtures";
import { AdvancedSection } from "./pages/advanced";
import { HistoryPage, TaskPage } from "./pages/history";
import { fixturePath } from "./pages/studio";

// The model's options (negative prompt, seed, prompt extension, watermark): set in the
// studio's Advanced section, sent, shown on the result and the task page, reused with "Use
// this seed", filtered on in the history; bad values refused by the form and by the action.

const token = `adv${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const SEED_SENTENCE = "The seed is a whole number from 0 to 2147483647.";
const NEGATIVE_SENTENCE = "Keep the negative prompt within 500 characters.";

/** The "Seed: N" line the result shows, as a number. */
async function shownSeed(page: Page): Promise<number> {
  const line = page.getByRole("complementary", { name: "Result" }).getByText(/^Seed: \d+$/);
  await expect(line).toBeVisible();
  return Number((await line.textContent())?.replace("Seed: ", ""));
}

test("Advanced opens with the keyboard; the options set are sent, shown and reused", async ({
  studio,
  page,
}) => {
  test.setTimeout(90_000);
  const advanced = new AdvancedSection(page);
  const seed = String(100_000 + Math.floor(Math.random() * 900_000));
  const negative = `blurry hands ${token}`;
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(`Options travel ${token}`);
  await advanced.expectClosed();

  // Keyboard only: Tab from the prompt reaches the section's button, Enter opens it, and
  // every control inside is reached in order.
  await studio.prompt.focus();
  await page.keyboard.press("Tab");
  await expect(advanced.toggle).toBeFocused();
  await page.keyboard.press("Enter");
  await advanced.expectOpen();
  await page.keyboard.press("Tab");
  await expect(advanced.negativePrompt).toBeFocused();
  await page.keyboard.type(negative);
  await expect(page.getByText(`${negative.length} / 500`)).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(advanced.randomSeed).toBeFocused();
  await expect(advanced.randomSeed).toBeChecked();
  await expect(advanced.seed).toBeDisabled();
  await page.keyboard.press("Space");
  await expect(advanced.randomSeed).not.toBeChecked();
  await page.keyboard.press("Tab");
  await expect(advanced.seed).toBeFocused();
  await page.keyboard.type(seed);
  await page.keyboard.press("Tab");
  await expect(advanced.promptExtension).toBeFocused();
  await expect(advanced.promptExtension).toBeChecked();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await expect(advanced.watermark).toBeFocused();
  await expect(advanced.watermark).not.toBeChecked();
  await page.keyboard.press("Space");
  await advanced.expectValues({
    negativePrompt: negative,
    seed,
    promptExtension: false,
    watermark: true,
  });

  const taskId = await studio.generate();
  await studio.expectCompleted();
  expect(await shownSeed(page)).toBe(Number(seed));

  // The task page lists every option, the seed the one sent.
  const task = new TaskPage(page);
  await task.goto(taskId);
  await expect(task.fact("Seed")).toHaveText(seed);
  await expect(task.fact("Negative prompt")).toHaveText(negative);
  await expect(task.fact("Prompt extension")).toHaveText("Off");
  await expect(task.fact("Watermark")).toHaveText("On");
  await expect(
    page.getByRole("region", { name: "Result" }).getByText(`Seed: ${seed}`),
  ).toBeVisible();

  // "Use this seed": the studio again, same inputs and options, the seed fixed.
  await task.useSeedLink.click();
  await expect(page).toHaveURL(new RegExp(`/\\?remix=${taskId}&seed=keep$`));
  await studio.expectKept("First frame", "portrait.png");
  await expect(studio.prompt).toHaveValue(`Options travel ${token}`);
  await advanced.expectOpen();
  await advanced.expectValues({
    negativePrompt: negative,
    seed,
    promptExtension: false,
    watermark: true,
  });

  // A plain remix keeps the options but makes the seed Random: a new take.
  await task.goto(taskId);
  await task.remixLink.click();
  await expect(page).toHaveURL(new RegExp(`/\\?remix=${taskId}$`));
  await studio.expectKept("First frame", "portrait.png");
  await advanced.expectOpen();
  await advanced.expectValues({
    negativePrompt: negative,
    seed: "Random",
    promptExtension: false,
    watermark: true,
  });

  // The history finds it by seed, and by words of its negative prompt; its card shows the seed.
  const history = new HistoryPage(page);
  await history.goto(`?seed=${seed}`);
  await expect(history.seed).toHaveValue(seed);
  await expect(history.item(token)).toHaveCount(1);
  await expect(history.item(token)).toContainText(`Seed ${seed}`);
  await history.goto(`?q=${encodeURIComponent(`blurry hands ${token}`)}`);
  await expect(history.item(token)).toHaveCount(1);
});

test("a Random seed is chosen by us, shown everywhere, and 'Use this seed' fixes it", async ({
  studio,
  page,
}) => {
  test.setTimeout(90_000);
  const advanced = new AdvancedSection(page);
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(`Random seed ${token}`);
  const taskId = await studio.generate();
  await studio.expectCompleted();
  const seed = await shownSeed(page);
  expect(seed).toBeGreaterThanOrEqual(0);
  expect(seed).toBeLessThanOrEqual(2_147_483_647);

  const task = new TaskPage(page);
  await task.goto(taskId);
  await expect(task.fact("Seed")).toHaveText(String(seed));
  await expect(task.fact("Negative prompt")).toHaveText("None");
  await expect(task.fact("Prompt extension")).toHaveText("On (default)");
  await expect(task.fact("Watermark")).toHaveText("Off (default)");

  await task.useSeedLink.click();
  await studio.expectKept("First frame", "portrait.png");
  await advanced.expectOpen();
  await advanced.expectValues({
    negativePrompt: "",
    seed: String(seed),
    promptExtension: true,
    watermark: false,
  });
  // The same take again: the same seed is sent and shown.
  await studio.generate();
  await studio.expectStatus(/Completed/);
  expect(await shownSeed(page)).toBe(seed);
});

test("bad options are refused in the form with sentences, and Generate says why", async ({
  studio,
  page,
}) => {
  const advanced = new AdvancedSection(page);
  await studio.upload("First frame", "portrait.png");
  await expect(studio.generateButton).toBeEnabled();
  await advanced.open();

  for (const bad of ["-1", "2147483648", "1.5", "abc", ""]) {
    await advanced.fixSeed(bad);
    await expect(advanced.seed).toHaveAccessibleDescription(SEED_SENTENCE);
    await expect(advanced.seed).toHaveAttribute("aria-invalid", "true");
    await studio.expectGenerateBlocked(SEED_SENTENCE);
  }
  // Closed while it holds the error: Generate says where to look.
  await advanced.toggle.click();
  await advanced.expectClosed();
  await studio.expectGenerateBlocked(`${SEED_SENTENCE} Open Advanced to change it.`);
  await advanced.open();
  await advanced.seed.fill("2147483647");
  await expect(studio.generateButton).toBeEnabled();
  // Back to Random: whatever was typed is not sent.
  await advanced.randomSeed.check();
  await expect(advanced.seed).toBeDisabled();
  await expect(studio.generateButton).toBeEnabled();

  await advanced.negativePrompt.fill("n".repeat(501));
  // The count and the sentence, beside the field.
  await expect(advanced.negativePrompt).toHaveAccessibleDescription(
    `501 / 500 ${NEGATIVE_SENTENCE}`,
  );
  await expect(advanced.negativePrompt).toHaveAttribute("aria-invalid", "true");
  await studio.expectGenerateBlocked(NEGATIVE_SENTENCE);
  await advanced.negativePrompt.fill("n".repeat(500));
  await expect(advanced.negativePrompt).toHaveAccessibleDescription("500 / 500");
  await expect(studio.generateButton).toBeEnabled();
});

async function uploadFrame(request: APIRequestContext): Promise<string> {
  const response = await request.post("/api/uploads?kind=first_frame", {
    headers: { "Content-Type": "image/png", "X-File-Name": "portrait.png" },
    data: readFileSync(fixturePath("portrait.png")),
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { media: { id: string } }).media.id;
}

test("posted straight to the submitVideo action, bad options are refused with sentences and nothing is made", async ({
  page,
  baseURL,
}) => {
  const mediaId = await uploadFrame(page.request);
  const prompt = `Straight to the action ${token}`;
  const cases: [Record<string, unknown>, string][] = [
    [{ seed: -1 }, SEED_SENTENCE],
    [{ seed: 2 ** 31 }, SEED_SENTENCE],
    [{ seed: 1.5 }, SEED_SENTENCE],
    [{ seed: "abc" }, SEED_SENTENCE],
    [{ seed: "42" }, SEED_SENTENCE],
    [{ negativePrompt: "n".repeat(501) }, NEGATIVE_SENTENCE],
  ];
  for (const [options, sentence] of cases) {
    const response = await page.request.post("/", {
      headers: {
        "Next-Action": serverActionId("submitVideo"),
        Accept: "text/x-component",
        "Content-Type": "text/plain;charset=UTF-8",
        Origin: baseURL ?? "",
      },
      data: JSON.stringify([
        { media: [{ type: "first_frame", mediaId }], seconds: 2, size: "720P", prompt, ...options },
        crypto.randomUUID(),
      ]),
    });
    const text = await response.text();
    expect(text, JSON.stringify(options)).toContain('"ok":false');
    expect(text).toContain('"code":"invalid_request"');
    expect(text).toContain(sentence);
    expect(text).not.toContain('"taskId"');
  }
  // No task was made (a task row is written before any gateway call): the history has none.
  const history = new HistoryPage(page);
  await history.goto(`?q=${encodeURIComponent(prompt)}`);
  await expect(page.getByText("No videos match these filters.")).toBeVisible();
});

test("the history's seed filter takes a seed and ignores anything else with a note", async ({
  page,
}) => {
  const history = new HistoryPage(page);
  await history.goto("?seed=abc");
  await expect(
    page.getByText(/The seed filter was ignored: a seed is a whole number/),
  ).toBeVisible();
  await expect(history.seed).toHaveValue("abc");
  await history.goto("?seed=-1");
  await expect(page.getByText(/The seed filter was ignored/)).toBeVisible();
  await history.goto("?seed=2147483647");
  await expect(page.getByText(/The seed filter was ignored/)).toHaveCount(0);
  await expect(history.seed).toHaveValue("2147483647");
});
