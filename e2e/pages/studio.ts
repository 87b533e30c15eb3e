import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";

/** The four media slots, by the accessible name of their file input. */
export type SlotLabel = "First frame" | "Last frame" | "First clip" | "Driving audio";

/** Files in e2e/media (see its README for what each one is and why). */
export type Fixture =
  | "portrait.png"
  | "landscape.jpg"
  | "ending.png"
  | "voice.wav"
  | "voice.mp3"
  | "clip.mp4"
  | "not-an-image.png"
  | "transparent.png"
  | "tiny.png"
  | "short.wav"
  | "long-clip.mp4";

const slotKeys: Record<SlotLabel, string> = {
  "First frame": "first_frame",
  "Last frame": "last_frame",
  "First clip": "first_clip",
  "Driving audio": "driving_audio",
};

const mimeTypes: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".mp4": "video/mp4",
};

export function fixturePath(name: Fixture): string {
  return path.join(__dirname, "..", "media", name);
}

/** The words the status line uses for each stage of a task. */
const STATUS_WORDS = /Queued|Generating|Completed|Failed/;
const GENERATION_TIMEOUT = 30_000;

/** What a person sees and does on the studio page, by role and label. */
export class StudioPage {
  readonly generateButton: Locator;
  readonly duration: Locator;
  readonly resolution: Locator;
  readonly prompt: Locator;
  /** The line that names the task's state ("Generating · 0:03"). */
  readonly taskStatus: Locator;
  readonly video: Locator;
  readonly downloadLink: Locator;

  constructor(readonly page: Page) {
    this.generateButton = page.getByRole("button", { name: "Generate", exact: true });
    this.duration = page.getByRole("spinbutton", { name: "Duration (seconds)" });
    this.resolution = page.getByRole("radiogroup", { name: "Resolution" });
    this.prompt = page.getByRole("textbox", { name: "Prompt", exact: true });
    this.taskStatus = page.getByRole("status").filter({ hasText: STATUS_WORDS });
    this.video = page.getByLabel("Generated video");
    this.downloadLink = page.getByRole("link", { name: "Download" });
  }

  async goto() {
    await this.page.goto("/");
    await expect(this.generateButton).toBeVisible();
  }

  /** The slot's real `<input type="file">` (it may be visually hidden). */
  fileInput(label: SlotLabel): Locator {
    return this.page
      .locator('input[type="file"]')
      .and(this.page.getByLabel(label, { exact: true }));
  }

  /** The slot's drop area. */
  slot(label: SlotLabel): Locator {
    return this.page.locator(`[data-slot="${slotKeys[label]}"]`);
  }

  uploadProgress(label: SlotLabel): Locator {
    return this.page.getByRole("progressbar", { name: `${label} upload` });
  }

  removeButton(label: SlotLabel): Locator {
    return this.page.getByRole("button", { name: `Remove ${label.toLowerCase()}` });
  }

  /** The error sentence a slot shows for a file it refused. */
  slotError(label: SlotLabel): Locator {
    return this.slot(label).getByRole("alert");
  }

  resolutionOption(size: "720P" | "1080P"): Locator {
    return this.resolution.getByRole("radio", { name: size });
  }

  /** Picks a file through the slot's input and waits until the upload is kept. */
  async upload(label: SlotLabel, fixture: Fixture) {
    await this.fileInput(label).setInputFiles(fixturePath(fixture));
    await this.expectKept(label, fixture);
  }

  /** Picks a file the slot must refuse, and waits for the refusal. */
  async pickRefused(label: SlotLabel, fixture: Fixture) {
    await this.fileInput(label).setInputFiles(fixturePath(fixture));
    await expect(this.slotError(label)).toBeVisible();
    await expect(this.uploadProgress(label)).toHaveCount(0);
  }

  async expectKept(label: SlotLabel, fixture: Fixture) {
    await expect(this.removeButton(label)).toBeVisible();
    await expect(this.uploadProgress(label)).toHaveCount(0);
    await expect(this.slot(label)).toContainText(fixture);
  }

  /** The slot holds a stored file by that name (as after an upload, or a frame taken). */
  async expectInSlot(label: SlotLabel, name: string) {
    await expect(this.removeButton(label)).toBeVisible();
    await expect(this.slot(label)).toContainText(name);
  }

  /** The bytes of the picture a frame slot previews (the stored file, as served). */
  async previewBytes(label: "First frame" | "Last frame", name: string): Promise<Buffer> {
    const img = this.slot(label).getByRole("img", { name: `${name} preview` });
    await expect(img).toBeVisible();
    const src = (await img.getAttribute("src")) as string;
    const response = await this.page.request.get(src);
    expect(response.status()).toBe(200);
    return response.body();
  }

  async expectEmpty(label: SlotLabel) {
    await expect(this.removeButton(label)).toHaveCount(0);
    await expect(this.fileInput(label)).toBeEnabled();
  }

  /**
   * Drops a file on the slot the way a browser does: a DataTransfer holding a File with the
   * fixture's bytes, and the dragenter → dragover → drop sequence on the drop area.
   */
  async dropFile(label: SlotLabel, fixture: Fixture) {
    const bytes = await readFile(fixturePath(fixture));
    const dataTransfer = await this.page.evaluateHandle(
      ({ base64, name, type }) => {
        const binary = atob(base64);
        const data = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
        const transfer = new DataTransfer();
        transfer.items.add(new File([data], name, { type }));
        return transfer;
      },
      {
        base64: bytes.toString("base64"),
        name: fixture,
        type: mimeTypes[path.extname(fixture)] ?? "application/octet-stream",
      },
    );
    const area = this.slot(label);
    await area.dispatchEvent("dragenter", { dataTransfer });
    await area.dispatchEvent("dragover", { dataTransfer });
    await area.dispatchEvent("drop", { dataTransfer });
    await dataTransfer.dispose();
  }

  /** Generate is disabled and says why (the reason is the button's accessible description). */
  async expectGenerateBlocked(reason: string | RegExp) {
    await expect(this.generateButton).toBeDisabled();
    await expect(this.generateButton).toHaveAccessibleDescription(reason);
  }

  /** The slot cannot take a file now, and says why beside its input. */
  async expectSlotBlocked(label: SlotLabel, reason: string | RegExp) {
    await expect(this.fileInput(label)).toBeDisabled();
    await expect(this.fileInput(label)).toHaveAccessibleDescription(reason);
    await expect(this.slot(label)).toContainText(reason);
  }

  async setPrompt(text: string) {
    await this.prompt.fill(text);
  }

  /** Clicks Generate and returns the task id the URL now carries. */
  async generate(): Promise<string> {
    await expect(this.generateButton).toBeEnabled();
    await this.generateButton.click();
    // The URL changes once the server action answers; an error would show as an alert instead.
    await expect(this.page).toHaveURL(/[?&]task=[^&]+/, { timeout: 15_000 });
    const taskId = new URL(this.page.url()).searchParams.get("task");
    expect(taskId).toBeTruthy();
    return taskId as string;
  }

  async expectStatus(words: RegExp, timeout = GENERATION_TIMEOUT) {
    await expect(this.taskStatus).toContainText(words, { timeout });
  }

  async expectCompleted() {
    await this.expectStatus(/Completed/);
    await expect(this.taskStatus).toContainText(/\d+:\d{2}/);
    await this.expectVideoPlays();
  }

  /** The generated video decodes in this browser: it has frames and a duration once played. */
  async expectVideoPlays() {
    await expect(this.video).toBeVisible();
    await expect(this.video).toHaveAttribute("controls", "");
    const state = await this.video.evaluate(async (element) => {
      const video = element as HTMLVideoElement;
      video.muted = true; // autoplay rules allow muted play without a gesture
      // play() resolves once the element has data and is playing; it rejects on a decode error.
      await video.play();
      // The clock moves once frames are decoded: on a loaded machine (two cores, several app
      // servers) that can take more than a moment, so wait for it rather than a fixed 300 ms.
      const deadline = performance.now() + 5_000;
      while (video.currentTime === 0 && !video.error && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const result = {
        readyState: video.readyState,
        duration: video.duration,
        currentTime: video.currentTime,
        error: video.error?.code ?? null,
      };
      video.pause();
      return result;
    });
    expect(state.error).toBeNull();
    expect(state.readyState).toBeGreaterThanOrEqual(2);
    expect(state.duration).toBeGreaterThan(0);
    expect(state.currentTime).toBeGreaterThan(0);
  }

  /** Follows the Download link and checks the saved file is an MP4 (an `ftyp` box first). */
  async expectDownloadIsMp4() {
    const downloadPromise = this.page.waitForEvent("download");
    await this.downloadLink.click();
    const download = await downloadPromise;
    const file = await readFile(await download.path());
    expect(file.length).toBeGreaterThan(8);
    expect(file.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(download.suggestedFilename()).toMatch(/\.mp4$/);
  }
}
