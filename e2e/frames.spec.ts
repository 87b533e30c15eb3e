import type { Page } from "@playwright/test";
import { expectNoAxeViolations, expectNoHorizontalScroll } from "./axe";
import { expect, test } from "./fixtures";
import { expectKept } from "./pages/sequence";
import type { StudioPage } from "./pages/studio";
import { decode } from "./video-frames";

// Frames from a finished video, as a team continues a shot: "Use last frame" puts the video's
// exact last frame (compared pixel for pixel with a full decode of the kept video) in a new
// video's First frame, and that video generates; "Use this frame" takes the frame the player
// shows, into the slot chosen.

const token = `frames${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** Mean absolute difference of two RGB frames of the same size (0–255). */
function meanDiff(a: Buffer, b: Buffer): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i] - b[i]);
  return total / a.length;
}

/** A finished video (3 s by default) from a first and last frame, kept in our storage. */
async function finishedVideo(studio: StudioPage, page: Page, seconds = 3): Promise<string> {
  await studio.upload("First frame", "portrait.png");
  await studio.upload("Last frame", "ending.png");
  await studio.duration.fill(String(seconds));
  await studio.setPrompt(`A door opens onto the sea ${token}`);
  const taskId = await studio.generate();
  await studio.expectCompleted();
  await expectKept(page, taskId);
  return taskId;
}

/** axe, and the same page at 200 % zoom of a 1280 px window (as accessibility.spec.ts). */
async function check(page: Page, label: string) {
  await expectNoAxeViolations(page, label);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 640, height: 400 });
  await expectNoHorizontalScroll(page, `${label} at 200 %`);
  if (size) await page.setViewportSize(size);
}

test("Use last frame: the exact last frame opens as the First frame, and Generate works", async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  const taskId = await finishedVideo(studio, page);

  await page.goto(`/videos/${taskId}`);
  const frames = page.getByRole("region", { name: "Frames and clips for a new video" });
  await expect(frames.getByRole("button", { name: "Use last frame" })).toBeVisible();
  await expect(frames.getByRole("combobox", { name: "The frame shown now, as" })).toBeVisible();
  await check(page, "task page, frames for a new video");

  await frames.getByRole("button", { name: "Use last frame" }).click();
  await expect(page).toHaveURL(/\/\?frame=[0-9a-f-]{36}$/, { timeout: 20_000 });
  const mediaId = new URL(page.url()).searchParams.get("frame");
  const name = `${taskId}-last-frame.png`;
  await studio.expectInSlot("First frame", name);
  await studio.expectEmpty("Last frame");

  // The picture in the slot is the video's last frame, pixel for pixel.
  const png = await studio.previewBytes("First frame", name);
  const video = await (await page.request.get(`/api/tasks/${taskId}/video`)).body();
  const decoded = decode(video, "video.mp4");
  const [frame] = decode(png, "frame.png");
  expect(decoded.length).toBe(72);
  expect(frame.equals(decoded[71])).toBe(true);
  expect(frame.equals(decoded[70])).toBe(false);
  await check(page, "studio, a taken frame in First frame");

  await studio.setPrompt(`The sea, going on ${token}`);
  const nextId = await studio.generate();
  await studio.expectCompleted();
  const next = await (await page.request.get(`/api/tasks/${nextId}`)).json();
  expect(next.media).toEqual([expect.objectContaining({ type: "first_frame", mediaId })]);
});

test("Use this frame: the frame the player shows goes into the slot chosen", async ({
  studio,
  page,
}) => {
  test.setTimeout(120_000);
  const taskId = await finishedVideo(studio, page);
  await page.goto(`/videos/${taskId}`);
  const player = page.getByLabel("Generated video");
  // Frame 36 of 24 fps is on screen from 1.5 s to 1.5417 s.
  await player.evaluate(async (element) => {
    const video = element as HTMLVideoElement;
    if (video.readyState < 1)
      await new Promise((resolve) =>
        video.addEventListener("loadedmetadata", resolve, { once: true }),
      );
    video.currentTime = 1.52;
    await new Promise((resolve) => video.addEventListener("seeked", resolve, { once: true }));
  });
  const frames = page.getByRole("region", { name: "Frames and clips for a new video" });
  await frames
    .getByRole("combobox", { name: "The frame shown now, as" })
    .selectOption("Last frame");
  await frames.getByRole("button", { name: "Use this frame" }).click();
  await expect(page).toHaveURL(/\/\?frame=[0-9a-f-]{36}$/, { timeout: 20_000 });
  const name = `${taskId}-frame-1.52s.png`;
  await studio.expectInSlot("Last frame", name);
  await studio.expectEmpty("First frame");
  const png = await studio.previewBytes("Last frame", name);
  const decoded = decode(
    await (await page.request.get(`/api/tasks/${taskId}/video`)).body(),
    "v.mp4",
  );
  const [frame] = decode(png, "frame.png");
  expect(frame.equals(decoded[36])).toBe(true);
});

test("Continue (3 s): the last 3 s open as the First clip, and the continuation records its parent", async ({
  studio,
  page,
}) => {
  test.setTimeout(150_000);
  const taskId = await finishedVideo(studio, page, 5);
  await page.goto(`/videos/${taskId}`);
  const frames = page.getByRole("region", { name: "Frames and clips for a new video" });
  const carry = frames.getByRole("spinbutton", { name: "Seconds to carry over" });
  await expect(carry).toHaveValue("3");
  await carry.fill("11");
  await expect(frames.getByRole("button", { name: "Continue" })).toBeDisabled();
  await carry.fill("3");
  await frames.getByRole("button", { name: "Continue" }).click();
  // The cut runs as a background job; the page follows it, then opens the studio.
  await expect(frames.getByRole("status")).toHaveText("Cutting the last 3 s…");
  await expect(page).toHaveURL(/\/\?clip=[0-9a-f-]{36}$/, { timeout: 30_000 });
  const clipId = new URL(page.url()).searchParams.get("clip");
  await expect(studio.removeButton("First clip")).toBeVisible();
  await expect(studio.slot("First clip")).toContainText(`${taskId}-last-3s.mp4`);
  // 5 s parent, 3 s clip: the parent's length, which adds 2 s.
  await expect(studio.duration).toHaveValue("5");
  await check(page, "studio, a continued clip in First clip");

  // The clip is the parent's last 72 frames (re-encoded: closest to its own source frame).
  const video = decode(
    await (await page.request.get(`/api/tasks/${taskId}/video`)).body(),
    "p.mp4",
  );
  const clipPreview = studio.slot("First clip").locator("video");
  const clipSrc = (await clipPreview.getAttribute("src")) as string;
  const clip = decode(await (await page.request.get(clipSrc)).body(), "clip.mp4");
  expect(clip).toHaveLength(72);
  expect(video).toHaveLength(120);
  expect(meanDiff(clip[0], video[48])).toBeLessThan(3);
  expect(meanDiff(clip[71], video[119])).toBeLessThan(3);

  const nextId = await studio.generate();
  await studio.expectCompleted();
  const next = await (await page.request.get(`/api/tasks/${nextId}`)).json();
  expect(next.media).toEqual([{ type: "first_clip", mediaId: clipId }]);
  expect(next.seconds).toBe(5);
  expect(next.parent).toEqual({ taskId, fromSeconds: 2, toSeconds: 5 });
  // The demo renders the continuation from its inputs: it begins with the clip, 5 s long.
  const made = decode(await (await page.request.get(`/api/tasks/${nextId}/video`)).body(), "n.mp4");
  expect(made).toHaveLength(120);
  await page.goto(`/videos/${nextId}`);
  await expect(page.getByRole("link", { name: `video ${taskId}` })).toBeVisible();
});
