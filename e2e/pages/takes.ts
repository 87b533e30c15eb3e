import { expect, type Locator, type Page } from "@playwright/test";

/** One frame of wan2.7-i2v's (and the demo gateway's) 24 fps videos, in seconds. */
export const FRAME_SECONDS = 1 / 24;

/** The studio's Takes control and the take panels beside the form. */
export class TakesControl {
  readonly group: Locator;
  readonly estimate: Locator;
  readonly result: Locator;
  readonly compareLink: Locator;

  constructor(readonly page: Page) {
    this.group = page.getByRole("radiogroup", { name: "Takes" });
    this.estimate = page.getByText("Estimated cost:");
    this.result = page.getByRole("complementary", { name: "Result" });
    this.compareLink = this.result.getByRole("link", { name: "Compare takes" });
  }

  option(takes: 1 | 2 | 3 | 4): Locator {
    return this.group.getByRole("radio", { name: String(takes), exact: true });
  }

  /** The panel of one take in the studio ("Take 2 of 4"). */
  panel(label: string): Locator {
    return this.result.getByRole("region", { name: label, exact: true });
  }
}

/** The take set page (`/takes/<id>`): the takes side by side under one transport. */
export class TakeSetPage {
  readonly playButton: Locator;
  readonly pauseButton: Locator;
  readonly position: Locator;
  readonly speed: Locator;
  readonly sound: Locator;
  readonly previousFrame: Locator;
  readonly nextFrame: Locator;
  readonly videos: Locator;
  readonly differences: Locator;
  readonly remixLink: Locator;

  constructor(readonly page: Page) {
    this.playButton = page.getByRole("button", { name: "Play", exact: true });
    this.pauseButton = page.getByRole("button", { name: "Pause", exact: true });
    this.position = page.getByRole("slider", { name: "Position" });
    this.speed = page.getByLabel("Speed");
    this.sound = page.getByRole("button", { name: /^Sound (on|off)$/ });
    this.previousFrame = page.getByRole("button", { name: "Previous frame" });
    this.nextFrame = page.getByRole("button", { name: "Next frame" });
    this.videos = page.locator("video");
    this.differences = page.getByRole("region", { name: "What differs" });
    this.remixLink = page.getByRole("link", { name: "Remix these takes" });
  }

  async goto(id: string) {
    await this.page.goto(`/takes/${id}`);
  }

  tile(label: string): Locator {
    return this.page.getByRole("region", { name: label, exact: true });
  }

  pickButton(label: string): Locator {
    return this.tile(label).getByRole("button", { name: "Pick" });
  }

  /** Clicks the scrubber `fraction` of the way along, as a person jumps to a moment. */
  async seekByClick(fraction: number) {
    const box = await this.position.boundingBox();
    if (!box) throw new Error("the Position slider is not visible");
    await this.position.click({ position: { x: box.width * fraction, y: box.height / 2 } });
  }

  /** Every player's currentTime, read in one go (one task of the page's event loop). */
  async times(): Promise<number[]> {
    return this.videos.evaluateAll((elements) =>
      elements.map((element) => (element as HTMLVideoElement).currentTime),
    );
  }

  /** Waits until every player has its first frame and none is seeking. */
  async expectSettled(count: number) {
    await expect(this.videos).toHaveCount(count);
    await expect
      .poll(
        () =>
          this.videos.evaluateAll((elements) =>
            elements.every((element) => {
              const video = element as HTMLVideoElement;
              return video.readyState >= 2 && !video.seeking;
            }),
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
  }

  /** All players show the same time, within one frame; returns that time. */
  async expectInSync(): Promise<number> {
    const times = await this.times();
    const spread = Math.max(...times) - Math.min(...times);
    expect(spread, `currentTime of the players: ${times.join(", ")}`).toBeLessThanOrEqual(
      FRAME_SECONDS,
    );
    return times[0];
  }
}
