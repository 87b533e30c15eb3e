import { createHmac, timingSafeEqual } from "node:crypto";
import { request as apiRequest, expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./axe";
import { StudioPage } from "./pages/studio";
import { WEBHOOKS_E2E } from "./webhooks-settings";

// Team webhooks (issue 11) through the real build: a video made in the browser is posted,
// signed, to a real receiver; one that refuses fails at once and goes again from the admin
// page; one that never answers holds up nobody.

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

async function received(): Promise<Received[]> {
  const response = await fetch(`${WEBHOOKS_E2E.receiver}/received`);
  return (await response.json()) as Received[];
}

async function postsFor(taskId: string, path: string): Promise<Received[]> {
  return (await received()).filter(
    (entry) => entry.path === path && JSON.parse(entry.body).data?.task?.id === taskId,
  );
}

/** Standard Webhooks verification, written from the spec (not the app's code). */
function verified(entry: Received): boolean {
  const id = entry.headers["webhook-id"];
  const timestamp = entry.headers["webhook-timestamp"];
  const signature = entry.headers["webhook-signature"];
  if (!id || !timestamp || !signature) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(WEBHOOKS_E2E.secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${entry.body}`).digest();
  return signature.split(" ").some((part) => {
    const [version, value = ""] = part.split(",");
    const given = Buffer.from(value, "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

test("a finished video is posted signed; the admin page shows each receiver and sends again", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const studio = new StudioPage(page);
  await studio.goto();
  const prompt = `A lighthouse blinks ${Date.now()}`;
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(prompt);
  const taskId = await studio.generate();
  await studio.expectCompleted();

  // The receiver that answers has it once, signed, with what the team needs.
  await expect
    .poll(async () => (await postsFor(taskId, "/ok")).length, { timeout: 20_000 })
    .toBe(1);
  const [post] = await postsFor(taskId, "/ok");
  expect(verified(post)).toBe(true);
  expect(verified({ ...post, body: post.body.replace("lighthouse", "lightship") })).toBe(false);
  const event = JSON.parse(post.body);
  expect(post.headers["webhook-id"]).toBe(event.id);
  expect(event).toMatchObject({
    type: "completed",
    data: {
      task: { id: taskId, prompt, status: "completed", seconds: 5, size: "720P" },
      maker: { id: "local" },
      links: { task: `${WEBHOOKS_E2E.baseURL}/videos/${taskId}`, share: null },
    },
  });
  // The receiver that hangs did not hold it up: it left as soon as its poster was made.
  expect(post.at - Date.parse(event.timestamp)).toBeLessThan(WEBHOOKS_E2E.timeoutMs);
  expect(await postsFor(taskId, "/hang")).toHaveLength(1);

  // The poster link works without a session, and only as signed.
  const anonymous = await apiRequest.newContext();
  const poster = await anonymous.get(event.data.links.poster);
  expect(poster.status()).toBe(200);
  expect(poster.headers()["content-type"]).toBe("image/jpeg");
  const forged = await anonymous.get(event.data.links.poster.replace(/sig=./, "sig=A"));
  expect(forged.status()).toBe(404);
  await anonymous.dispose();

  // The admin page, from the header: delivered, refused (failed at once), not answering.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Webhooks" })
    .click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  const rows = page.getByRole("row").filter({ hasText: prompt });
  const row = (path: string) => rows.filter({ hasText: `${WEBHOOKS_E2E.receiver}${path}` });
  await expect(row("/ok")).toContainText("Delivered");
  await expect(row("/refuse")).toContainText("Failed");
  await expect(row("/refuse")).toContainText("HTTP 410");
  await expect(row("/refuse")).toContainText("refused the event");
  await expect(async () => {
    await page.reload();
    await expect(row("/hang")).toContainText(/Pending · next try/, { timeout: 1000 });
    await expect(row("/hang")).toContainText("No answer within 2 s", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expectNoAxeViolations(page, "the webhooks admin page");
  // No receiver's full URL reaches the page beyond what settings name (here, no tokens).
  await page.getByRole("link", { name: /^Failed \(\d+\)$/ }).click();
  await expect(row("/ok")).toHaveCount(0);
  await expect(row("/refuse")).toHaveCount(1);

  // The receiver is fixed; Send again posts the same event (same id) once more.
  await fetch(`${WEBHOOKS_E2E.receiver}/control/accept`, { method: "POST" });
  await row("/refuse").getByRole("button", { name: "Send again" }).click();
  await expect(page.getByRole("status")).toHaveText("Sending again now.");
  await expect.poll(async () => (await postsFor(taskId, "/refuse")).length).toBe(2);
  const again = await postsFor(taskId, "/refuse");
  expect(new Set(again.map((entry) => entry.headers["webhook-id"]))).toEqual(new Set([event.id]));
  expect(again.every(verified)).toBe(true);
  await page.goto("/admin/webhooks?status=delivered");
  await expect(row("/refuse")).toContainText("Delivered");
});

async function commentPosts(taskId: string): Promise<Received[]> {
  return (await received()).filter((entry) => {
    const event = JSON.parse(entry.body);
    return entry.path === "/ok" && event.type === "comment_added" && event.data.task?.id === taskId;
  });
}

test("a comment is posted with the video's share link, which opens the share page; revoked, it has none", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(`A kite over the dunes ${Date.now()}`);
  const taskId = await studio.generate();
  await studio.expectCompleted();
  await page.goto(`/videos/${taskId}`);

  const share = page.getByRole("region", { name: "Share" });
  await share.getByRole("button", { name: "Create share link" }).click();
  const field = share.getByLabel("New share link");
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{43}$/);
  const link = await field.inputValue();

  await page.getByLabel("Comment", { exact: true }).fill("Hold the last frame longer");
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(page.getByRole("list", { name: "Comments" })).toContainText(
    "Hold the last frame longer",
  );
  await expect.poll(async () => (await commentPosts(taskId)).length, { timeout: 20_000 }).toBe(1);
  const [post] = await commentPosts(taskId);
  expect(verified(post)).toBe(true);
  const event = JSON.parse(post.body);
  expect(event.data).toMatchObject({
    comment: { text: "Hold the last frame longer" },
    author: { id: "local", viaShareLink: false },
    task: { id: taskId },
    links: { task: `${WEBHOOKS_E2E.baseURL}/videos/${taskId}`, share: link },
  });

  // Pinned (the form pins to the player's time by default).
  expect(event.data.comment.atSeconds).toEqual(expect.any(Number));

  // The event's link opens the share page for someone with no session at all.
  const viewer = await page.context().browser()?.newContext();
  if (!viewer) throw new Error("no browser");
  const viewerPage = await viewer.newPage();
  const opened = await viewerPage.goto(event.data.links.share);
  expect(opened?.status()).toBe(200);
  await expect(viewerPage.getByRole("heading", { name: "Shared video" })).toBeVisible();
  await new StudioPage(viewerPage).expectVideoPlays();
  await viewer.close();

  // Revoked: the next comment's event names no share link.
  await page
    .getByRole("list", { name: "Share links" })
    .getByRole("listitem")
    .first()
    .getByRole("button", { name: /^Revoke/ })
    .click();
  await expect(page.getByRole("status").filter({ hasText: "Share link revoked" })).toBeVisible();
  await page.getByLabel("Comment", { exact: true }).fill("Better now");
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect.poll(async () => (await commentPosts(taskId)).length, { timeout: 20_000 }).toBe(2);
  const second = JSON.parse((await commentPosts(taskId))[1].body);
  expect(second.data).toMatchObject({ comment: { text: "Better now" }, links: { share: null } });
});
