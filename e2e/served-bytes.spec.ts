import { readFile } from "node:fs/promises";
import type { APIResponse } from "@playwright/test";
import { expect, test } from "./fixtures";
import { TaskPage } from "./pages/history";
import { fixturePath } from "./pages/studio";

// What the production server (`next start`) puts on the wire for the files it serves from
// storage, and for addresses it cannot decode. Asked with a client that accepts compression,
// as browsers do: stored media must arrive as they are, with their exact length.

const COMPRESSING = { "Accept-Encoding": "gzip, deflate, br" };

/** The body is exactly `bytes` long, says so in Content-Length, and is neither chunked nor
 * re-encoded. */
function expectExactLength(response: APIResponse, bytes: number) {
  const headers = response.headers();
  expect(headers["content-length"], "Content-Length on the wire").toBe(String(bytes));
  expect(headers["transfer-encoding"]).toBeUndefined();
  expect(headers["content-encoding"]).toBeUndefined();
  expect(headers["cache-control"]).toMatch(/no-transform/);
  expect(headers["x-wan-content-length"], "the private header stays inside").toBeUndefined();
}

test("stored media and kept videos carry their Content-Length (GET, HEAD, ranges)", async ({
  studio,
  page,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const frame = await readFile(fixturePath("portrait.png"));
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(`Sizes on the wire ${Date.now().toString(36)}`);
  const taskId = await studio.generate();
  // Bytes on the wire are the point here (playback is other specs' job): completed is enough.
  await studio.expectStatus(/Completed/);

  // The uploaded first frame, through the signed link its task page shows.
  const task = new TaskPage(page);
  await task.goto(taskId);
  const preview = task.inputs.getByRole("img", { name: "First frame: portrait.png" });
  const mediaUrl = new URL((await preview.getAttribute("src")) as string, baseURL).toString();
  const api = page.request;

  const whole = await api.get(mediaUrl, { headers: COMPRESSING });
  expect(whole.status()).toBe(200);
  expectExactLength(whole, frame.length);
  expect((await whole.body()).equals(frame)).toBe(true);

  const head = await api.head(mediaUrl, { headers: COMPRESSING });
  expect(head.status()).toBe(200);
  expectExactLength(head, frame.length);

  const part = await api.get(mediaUrl, { headers: { ...COMPRESSING, Range: "bytes=100-1099" } });
  expect(part.status()).toBe(206);
  expectExactLength(part, 1000);
  expect((await part.body()).equals(frame.subarray(100, 1100))).toBe(true);

  // The finished video, once kept in our storage (until then it streams from the gateway).
  const videoUrl = `/api/tasks/${taskId}/video`;
  await expect
    .poll(async () => (await api.head(videoUrl)).headers()["cache-control"], { timeout: 15_000 })
    .toMatch(/immutable/);
  const video = await api.get(videoUrl, { headers: COMPRESSING });
  expect(video.status()).toBe(200);
  const videoBytes = await video.body();
  expect(videoBytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
  expectExactLength(video, videoBytes.length);

  const videoHead = await api.head(`${videoUrl}?download`, { headers: COMPRESSING });
  expect(videoHead.status()).toBe(200);
  expectExactLength(videoHead, videoBytes.length);
  expect(videoHead.headers()["content-disposition"]).toMatch(/^attachment; filename=".+\.mp4"$/);

  const videoPart = await api.get(videoUrl, { headers: { ...COMPRESSING, Range: "bytes=-500" } });
  expect(videoPart.status()).toBe(206);
  expectExactLength(videoPart, 500);
  expect((await videoPart.body()).equals(videoBytes.subarray(-500))).toBe(true);
});

test("an address with a broken %-escape answers 400 (API) or the not-found page, never 500", async ({
  request,
  page,
}) => {
  for (const path of [
    "/api/tasks/%E0%A4%A",
    "/api/tasks/%E0%A4%A/video",
    "/api/tasks/%E0%A4%A/poster",
    "/api/media/%E0%A4%A",
    "/api/media/%FF?exp=1&sig=x",
  ]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(400);
    const body = await response.json();
    const problem = path.startsWith("/api/media/") ? body.error : body;
    expect(problem, path).toEqual({
      code: "bad_path",
      message: "This address is broken (a %-escape in it is not valid). Check the link.",
    });
  }

  const answer = await page.goto("/videos/%E0%A4%A");
  expect(answer?.status()).toBe(404);
  await expect(page.getByText("This page could not be found.")).toBeVisible();
  // The page is still under the app's nonce CSP.
  expect(answer?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
});
