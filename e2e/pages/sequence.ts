import { readFileSync } from "node:fs";
import { expect, type Locator, type Page } from "@playwright/test";

/** The task's video is kept in our storage (the player serves it as immutable). */
export async function expectKept(page: Page, taskId: string) {
  await expect
    .poll(
      async () => {
        // A reset while the result is still being copied is another "not yet".
        const answer = await page.request.head(`/api/tasks/${taskId}/video`).catch(() => null);
        return answer?.headers()["cache-control"] ?? "";
      },
      { timeout: 20_000 },
    )
    .toMatch(/immutable/);
}

/**
 * On a video's page: Continue with its last `seconds`; the cut runs as a background job, then
 * the studio opens with the clip. Returns the clip's media id.
 */
export async function continueFrom(page: Page, taskId: string, seconds: number): Promise<string> {
  await page.goto(`/videos/${taskId}`);
  const frames = page.getByRole("region", { name: "Frames and clips for a new video" });
  await frames.getByRole("spinbutton", { name: "Seconds to carry over" }).fill(String(seconds));
  await frames.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/\?clip=/, { timeout: 30_000 });
  return new URL(page.url()).searchParams.get("clip") as string;
}

/** The sequence page (`/sequences/<id>`): the strip of shots and the export. */
export class SequencePage {
  readonly shots: Locator;
  readonly total: Locator;
  /** The Export region: its status line, progress, player, Download and Export button. */
  readonly exportSlot: Locator;
  readonly exportStatus: Locator;
  readonly exportPlayer: Locator;

  constructor(readonly page: Page) {
    this.shots = page
      .getByRole("list")
      .filter({ has: page.getByRole("listitem", { name: "Shot 1" }) });
    this.total = page.getByTestId("sequence-total");
    this.exportSlot = page.getByRole("region", { name: "Export" });
    this.exportStatus = this.exportSlot.getByRole("status");
    this.exportPlayer = this.exportSlot.getByLabel("Exported sequence");
  }

  /** From a shot's video page, follows its "sequence …" link; returns the sequence's id. */
  async openFrom(taskId: string): Promise<string> {
    await this.page.goto(`/videos/${taskId}`);
    await this.page.getByRole("link", { name: /^sequence / }).click();
    await expect(this.page).toHaveURL(/\/sequences\/[A-Za-z0-9_-]+$/);
    return new URL(this.page.url()).pathname.split("/").at(-1) as string;
  }

  shot(n: number): Locator {
    return this.shots.getByRole("listitem", { name: `Shot ${n}`, exact: true });
  }

  /** The task a shot shows now (its link to the video's page). */
  async shotTaskId(n: number): Promise<string> {
    const href = await this.shot(n)
      .getByRole("link", { name: new RegExp(`Shot ${n}`) })
      .getAttribute("href");
    return href?.split("/").pop() ?? "";
  }

  exportButton(name: "Export" | "Export again" = "Export"): Locator {
    return this.exportSlot.getByRole("button", { name, exact: true });
  }

  /** Plays the exported film muted for a moment: its duration and where it got to. */
  async playExport(): Promise<{ duration: number; at: number }> {
    return this.exportPlayer.evaluate(async (element) => {
      const video = element as HTMLVideoElement;
      video.muted = true;
      if (video.readyState < 1) {
        await new Promise((resolve) =>
          video.addEventListener("loadedmetadata", resolve, { once: true }),
        );
      }
      await video.play();
      await new Promise((resolve) => setTimeout(resolve, 600));
      video.pause();
      return { duration: video.duration, at: video.currentTime };
    });
  }

  /** Follows the export's Download link: the file's name and bytes. */
  async downloadExport(): Promise<{ name: string; bytes: Buffer; file: string }> {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.exportSlot.getByRole("link", { name: "Download" }).click(),
    ]);
    const file = await download.path();
    return { name: download.suggestedFilename(), bytes: readFileSync(file), file };
  }
}
