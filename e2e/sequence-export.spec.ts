import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ffmpeg from "@ffmpeg-installer/ffmpeg";
import { expectNoAxeViolations } from "./axe";
import { expect, test } from "./fixtures";
import { continueFrom, expectKept, SequencePage } from "./pages/sequence";
import { StudioPage } from "./pages/studio";

// Export: a video, continued from its last 2 s, makes a 2-shot sequence; Export on its page
// stitches them in the background (progress shown), then the film plays and downloads, and
// it is exactly as long as what the shots add (2 s + 2 s), frame for frame.

const token = `exp${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** Frames of a video, counted by the app's own ffmpeg decoding every one (its final stats). */
function frameCount(bytes: Buffer): number {
  const dir = mkdtempSync(path.join(tmpdir(), "wan-e2e-export-"));
  try {
    const file = path.join(dir, "film.mp4");
    writeFileSync(file, bytes);
    const { stderr } = spawnSync(
      ffmpeg.path,
      ["-hide_banner", "-i", file, "-map", "0:v:0", "-f", "null", "-"],
      { encoding: "utf8" },
    );
    return Number([...String(stderr).matchAll(/frame=\s*(\d+)/g)].at(-1)?.[1] ?? 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("export a 2-shot sequence: progress, then a film that plays, downloads, lasts what the shots add and can be shared", async ({
  studio,
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const since = Date.now();
  await studio.upload("First frame", "portrait.png");
  await studio.duration.fill("2");
  await studio.setPrompt(`Harbour ${token}`);
  const first = await studio.generate();
  await studio.expectCompleted();
  await expectKept(page, first);

  await continueFrom(page, first, 2);
  await expect(studio.duration).toHaveValue("4");
  await studio.setPrompt(`Boats ${token}`);
  const second = await studio.generate();
  await studio.expectCompleted();
  await expectKept(page, second);

  const sequence = new SequencePage(page);
  const sequenceId = await sequence.openFrom(second);
  await expect(page.getByRole("heading", { name: "Sequence of 2 shots" })).toBeVisible();

  const slot = sequence.exportSlot;
  await expect(slot.getByRole("button", { name: "Export", exact: true })).toBeEnabled();
  await expectNoAxeViolations(page, "sequence page, export not made yet");
  await slot.getByRole("button", { name: "Export", exact: true }).click();
  // Progress while it is stitched in the background, then the film.
  await expect(slot.getByRole("status")).toContainText("Exporting the sequence…");
  await expect(slot.getByRole("progressbar", { name: "Export progress" })).toBeVisible();
  // Elsewhere in the app, the member who started it hears it is ready (an in-page notice).
  await page.goto("/videos");
  await expect(
    page
      .getByRole("region", { name: "Finished videos" })
      .getByText(`Export ready: Harbour ${token}`),
  ).toBeVisible({ timeout: 60_000 });
  await page.goto(`/sequences/${sequenceId}`);
  await expect(slot.getByRole("status")).toHaveText("Export ready: 2 shots, 4.0 s.", {
    timeout: 60_000,
  });
  await expectNoAxeViolations(page, "sequence page, export ready");

  // It plays, and lasts what the shots add: 2 s + (4 s − 2 s).
  const played = await sequence.playExport();
  expect(Math.abs(played.duration - 4)).toBeLessThan(0.1);
  expect(played.at).toBeGreaterThan(0.1);

  // It downloads under a name of its own; it answers ranges.
  const saved = await sequence.downloadExport();
  expect(saved.name).toMatch(/^wan-sequence-\d{4}-\d\d-\d\d-.+\.mp4$/);
  expect(frameCount(saved.bytes)).toBe(96);
  const ranged = await page.request.get(`/api/sequences/${sequenceId}/export`, {
    headers: { Range: "bytes=0-99" },
  });
  expect(ranged.status()).toBe(206);
  expect((await ranged.body()).length).toBe(100);

  // Whoever started it hears "Export ready".
  const feed = await (await page.request.get(`/api/notifications?since=${since}`)).json();
  expect(feed.notices).toContainEqual(
    expect.objectContaining({
      title: `Export ready: Harbour ${token}`,
      url: `/sequences/${sequenceId}`,
    }),
  );

  // Shared as a film: the Share panel offers the expiry and the download only; a fresh
  // browser (no cookies) opens the public page and plays the film in ranges; revoked, gone.
  await page.goto(`/sequences/${sequenceId}`);
  const share = page.getByRole("region", { name: "Share" });
  await expect(share.getByLabel("Allow download")).toBeChecked();
  await expect(share.getByLabel("Show prompt and settings")).toHaveCount(0);
  await expect(share.getByLabel("Allow comments from viewers")).toHaveCount(0);
  await share.getByRole("button", { name: "Create share link" }).click();
  const field = share.getByLabel("New share link");
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{22,}$/);
  const link = await field.inputValue();
  const viewer = await (await browser.newContext()).newPage();
  const opened = await viewer.goto(link);
  expect(opened?.status()).toBe(200);
  await expect(viewer.getByRole("heading", { name: "Shared film" })).toBeVisible();
  await expect(
    viewer.getByText("A sequence of 2 shots joined into one film of 4 s."),
  ).toBeVisible();
  expect(await viewer.content()).not.toContain(sequenceId);
  await new StudioPage(viewer).expectVideoPlays();
  const shared = await viewer.request.get(`${link}/video`, { headers: { Range: "bytes=0-99" } });
  expect(shared.status()).toBe(206);
  await expectNoAxeViolations(viewer, "shared film page");
  await share
    .getByRole("list", { name: "Share links" })
    .getByRole("listitem")
    .first()
    .getByRole("button", { name: /^Revoke/ })
    .click();
  await expect(share.getByRole("status")).toHaveText("Share link revoked: it opens nothing now.");
  expect((await viewer.request.get(link)).status()).toBe(404);
  await viewer.context().close();
});
