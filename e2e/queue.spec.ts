import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "./fixtures";
import { HistoryPage } from "./pages/history";
import { startFour } from "./pages/queue";
import { TakesControl } from "./pages/takes";
import { QUEUE_E2E } from "./queue-settings";

// Runs in the `queue` project only: a team-wide cap of 2, a demo gateway refusing past 2.
// What the demo gateway was sent is read from its own record of creates, on disk.

interface CreateRecord {
  at: string;
  status: number;
  id?: string;
  running: number;
  prompt?: string;
  seed?: number;
}

async function creates(): Promise<CreateRecord[]> {
  const file = path.join(QUEUE_E2E.dataDir, "demo-gateway", "creates.jsonl");
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CreateRecord);
}

const token = `q${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test("four takes through a cap of two: the waiting ones show their place, all complete, each sent once and never past the cap; a waiting one can be cancelled", async ({
  studio,
  page,
  request,
}) => {
  test.setTimeout(150_000);
  const four = await startFour(studio, token);
  const takes = new TakesControl(page);

  // Two run; takes 3 and 4 wait in our queue, first and second in line, each on its own panel.
  await expect(takes.panel("Take 3 of 4").getByRole("status")).toContainText(
    "Waiting for a free slot (1st in line)",
  );
  await expect(takes.panel("Take 4 of 4").getByRole("status")).toContainText(
    "Waiting for a free slot (2nd in line)",
  );
  await expect(takes.panel("Take 4 of 4").getByRole("button", { name: "Cancel" })).toBeVisible();
  const other = await page.context().newPage();
  // The third's own page: first in line, with a Cancel it will not need.
  await other.goto(`/videos/${four.ids[2]}`);
  await expect(other.getByText("Waiting for a free slot (1st in line)")).toBeVisible();
  await expect(other.getByRole("button", { name: "Cancel" })).toBeVisible();
  // A running one has no Cancel: the gateway has none, and its page says so.
  await other.goto(`/videos/${four.ids[0]}`);
  await expect(
    other.getByText(/which has no cancel: it will finish, and it is billed/),
  ).toBeVisible();
  await expect(other.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  // The take set page says the place in line too, and the history says Waiting.
  await other.goto(`/takes/${four.setId}`);
  await expect(
    other.getByRole("region", { name: "Take 4 of 4", exact: true }).getByRole("status"),
  ).toContainText(/Waiting for a free slot \((1st|2nd) in line\)/);
  const history = new HistoryPage(other);
  await history.goto();
  await expect(history.item(four.prompt).filter({ hasText: "Take 4 of 4" })).toContainText(
    "Waiting",
  );
  await other.close();

  // A fifth (one take), cancelled while it waits: it was never sent, so it cost nothing.
  await takes.option(1).check();
  await studio.setPrompt(`The one we cancel ${token}`);
  await studio.generateButton.click();
  // The URL names the new task once the server action answered (and no longer the set).
  await expect
    .poll(
      () => {
        const url = new URL(page.url());
        const task = url.searchParams.get("task");
        return task !== null && !four.ids.includes(task) && !url.searchParams.has("set");
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  const panel = page.getByRole("region", { name: "Current video" });
  const fifth = new URL(page.url()).searchParams.get("task") as string;
  await expect(panel.getByRole("status")).toContainText(
    /Waiting for a free slot \(\d+(st|nd|rd|th) in line\)/,
  );
  await panel.getByRole("button", { name: "Cancel" }).click();
  await expect(panel.getByRole("status")).toContainText("Cancelled");
  await expect(panel.getByRole("status")).toContainText(/never sent, so it cost nothing/);

  // All four complete.
  for (const id of four.ids) {
    await expect
      .poll(async () => (await (await request.get(`/api/tasks/${id}`)).json()).status, {
        timeout: 90_000,
        intervals: [500],
      })
      .toBe("completed");
  }
  expect((await (await request.get(`/api/tasks/${fifth}`)).json()).status).toBe("cancelled");

  // From the demo gateway's own record: each take created exactly once, none while two ran
  // (so never a 429), the cancelled one never sent.
  const sent = (await creates()).filter((record) => record.prompt?.includes(token));
  for (const seed of four.seeds) {
    const mine = sent.filter((record) => record.seed === seed);
    expect(mine, `seed ${seed}`).toHaveLength(1);
    expect(mine[0].status).toBe(200);
  }
  expect(sent).toHaveLength(4);
  expect(sent.every((record) => record.running < QUEUE_E2E.cap)).toBe(true);
  expect(new Set(sent.map((record) => record.id)).size).toBe(4);
  // Sent in take order (oldest first, then by take).
  expect(sent.map((record) => record.seed)).toEqual(four.seeds);
});
