import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import type { Fixture, SlotLabel } from "./pages/studio";

/** Every request the page makes to the upload route, from now on. */
function watchUploads(page: Page): string[] {
  const uploads: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/uploads")) uploads.push(request.url());
  });
  return uploads;
}

const refusals: { slot: SlotLabel; file: Fixture; message: string | RegExp }[] = [
  {
    slot: "First frame",
    file: "transparent.png",
    message:
      "The first frame is a PNG with transparency, which the model does not take. Flatten it onto a background or save it as JPEG.",
  },
  {
    slot: "Last frame",
    file: "tiny.png",
    message: "The last frame is 100×100 px; each side must be at least 240 px.",
  },
  { slot: "Driving audio", file: "short.wav", message: "Driving audio is 1.0 s long; use 2–30 s." },
  {
    slot: "Driving audio",
    file: "clip.mp4",
    message: "This file is an MP4, not an audio file. Driving audio takes WAV or MP3.",
  },
  {
    slot: "First clip",
    file: "long-clip.mp4",
    message: /^The first clip is 11\.\d s long; use 2–10 s\.$/,
  },
];

test.describe("files the model would refuse are refused at the drop, never uploaded", () => {
  for (const { slot, file, message } of refusals) {
    test(`${file} in ${slot}`, async ({ studio, page }) => {
      const uploads = watchUploads(page);
      await studio.dropFile(slot, file);
      await expect(studio.slotError(slot)).toHaveText(message);
      await studio.expectEmpty(slot);
      expect(uploads).toEqual([]);
    });
  }

  test("a refused file picked through the input is not uploaded either", async ({
    studio,
    page,
  }) => {
    const uploads = watchUploads(page);
    await studio.pickRefused("First frame", "not-an-image.png");
    await expect(studio.slotError("First frame")).toHaveText(
      "This file is not an image in a format we recognise. First frame takes JPEG, PNG, BMP or WEBP.",
    );
    expect(uploads).toEqual([]);
  });
});

test.describe("good files show what the model's limits are about", () => {
  test("a picture shows its pixel size", async ({ studio }) => {
    await studio.upload("First frame", "portrait.png");
    await expect(studio.slot("First frame")).toContainText("480×640 px");
  });

  test("driving audio shows its duration and a waveform", async ({ studio }) => {
    await studio.upload("First frame", "portrait.png");
    await studio.dropFile("Driving audio", "voice.wav");
    await studio.expectKept("Driving audio", "voice.wav");
    const slot = studio.slot("Driving audio");
    await expect(slot).toContainText("3.0 s");
    await expect(slot.getByRole("img", { name: "Waveform of voice.wav" })).toBeVisible();
    // 80 bars, not all silent: the speech is there to see.
    const heights = await slot
      .getByRole("img", { name: "Waveform of voice.wav" })
      .locator("rect")
      .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute("height"))));
    expect(heights).toHaveLength(80);
    expect(Math.max(...heights)).toBeGreaterThan(20);
  });

  test("a clip shows its duration and pixel size", async ({ studio }) => {
    await studio.upload("First clip", "clip.mp4");
    await expect(studio.slot("First clip")).toContainText("480×480 px · 3.0 s");
  });

  test("a landscape last frame after a portrait first frame is a warning, not a refusal", async ({
    studio,
  }) => {
    await studio.upload("First frame", "portrait.png");
    await studio.upload("Last frame", "landscape.jpg");
    await expect(studio.slot("Last frame").getByRole("status")).toHaveText(
      "The last frame is 16:9 but the first frame is 3:4; the video follows the first frame.",
    );
    await expect(studio.slotError("Last frame")).toHaveCount(0);
    await expect(studio.generateButton).toBeEnabled();

    await studio.removeButton("Last frame").click();
    await studio.upload("Last frame", "ending.png");
    await expect(studio.slot("Last frame").getByRole("status")).toHaveCount(0);
  });
});
