import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "./fixtures";
import { HistoryPage } from "./pages/history";
import { startFour } from "./pages/queue";
import { QUEUE_E2E } from "./queue-settings";

// Runs in the `queue` project only: a team-wide cap of 2, a demo gateway refusing past 2.
// What the demo gateway was sent is read from its own record of creates, on disk.

interface CreateRecord {
  at: string;
  status: number;
  id?: string;
  running: number;
  prompt?: string;
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

  // The studio shows the last one: two run, so it waits, second in line.
  const panel = page.getByRole("region", { name: "Current video" });
  await expect(panel.getByRole("status")).toContainText("Waiting for a free slot (2nd in line)");
  // A running one has no Cancel: the gateway has none, and its page says so.
  const third = await page.context().newPage();
  await third.goto(`/videos/${four.ids[1]}`);
  await expect(
    third.getByText(/which has no cancel: it will finish, and it is billed/),
  ).toBeVisible();
  await expect(third.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  // The third's own page: first in line, with a Cancel it would not need.
  await third.goto(`/videos/${four.ids[2]}`);
  await expect(third.getByText("Waiting for a free slot (1st in line)")).toBeVisible();
  await expect(third.getByRole("button", { name: "Cancel" })).toBeVisible();
  // A running one has no Cancel: the gateway has none, and its page says so.
  await third.goto(`/videos/${four.ids[0]}`);
  await expect(
    third.getByText(/which has no cancel: it will finish, and it is billed/),
  ).toBeVisible();
  await expect(third.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  // The history says Waiting too.
  const history = new HistoryPage(third);
  await history.goto();
  await expect(history.item(four.prompts[3])).toContainText("Waiting");
  await third.close();

  // A fifth, cancelled while it waits: it was never sent, so it cost nothing.
  await studio.setPrompt(`The one we cancel ${token}`);
  await studio.generateButton.click();
  await expect
    .poll(() => new URL(page.url()).searchParams.get("task"), { timeout: 15_000 })
    .not.toBe(four.ids[3]);
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
  for (const prompt of four.prompts) {
    const mine = sent.filter((record) => record.prompt === prompt);
    expect(mine, prompt).toHaveLength(1);
    expect(mine[0].status).toBe(200);
  }
  expect(sent).toHaveLength(4);
  expect(sent.every((record) => record.running < QUEUE_E2E.cap)).toBe(true);
  expect(new Set(sent.map((record) => record.id)).size).toBe(4);
  // Sent oldest first.
  expect(sent.map((record) => record.prompt)).toEqual(four.prompts);
});
