import { expect, test } from "./fixtures";

// The six media combinations wan2.7-i2v accepts, each from files to a video that plays.
test.describe("each accepted combination ends in a playing video", () => {
  test("first frame", async ({ studio }) => {
    await studio.upload("First frame", "portrait.png");
    await expect(studio.slot("First frame").getByRole("img")).toBeVisible();
    await studio.setPrompt("A lighthouse keeper waves at a passing ship");
    await studio.generate();
    await studio.expectCompleted();
    await studio.expectDownloadIsMp4();
  });

  test("first frame + driving audio (WAV)", async ({ studio }) => {
    await studio.upload("First frame", "portrait.png");
    await studio.upload("Driving audio", "voice.wav");
    await expect(studio.slot("Driving audio").locator("audio[controls]")).toBeAttached();
    await studio.setPrompt("The presenter says hello to the camera");
    await studio.generate();
    await studio.expectCompleted();
  });

  test("first frame + last frame", async ({ studio }) => {
    await studio.upload("First frame", "landscape.jpg");
    await studio.upload("Last frame", "ending.png");
    await studio.resolutionOption("1080P").check();
    await expect(studio.resolutionOption("1080P")).toBeChecked();
    await studio.setPrompt("Dusk slowly falls over the green valley");
    await studio.generate();
    await studio.expectCompleted();
  });

  test("first frame + last frame + driving audio (MP3)", async ({ studio }) => {
    await studio.upload("First frame", "portrait.png");
    await studio.upload("Last frame", "ending.png");
    await studio.upload("Driving audio", "voice.mp3");
    await studio.duration.fill("3");
    await studio.setPrompt("A singer turns towards the stage lights");
    await studio.generate();
    await studio.expectCompleted();
  });

  test("first clip", async ({ studio }) => {
    await studio.upload("First clip", "clip.mp4");
    await expect(studio.slot("First clip").locator("video")).toBeAttached();
    await studio.setPrompt("The test pattern keeps spinning, then fades out");
    await studio.generate();
    await studio.expectCompleted();
  });

  test("first clip + last frame", async ({ studio }) => {
    await studio.upload("First clip", "clip.mp4");
    await studio.upload("Last frame", "ending.png");
    await studio.setPrompt("The clip morphs into a night sky with a moon");
    await studio.generate();
    await studio.expectCompleted();
  });
});

test("a first frame dropped on its slot is uploaded like a picked one", async ({ studio }) => {
  await studio.dropFile("First frame", "portrait.png");
  await studio.expectKept("First frame", "portrait.png");
  await studio.setPrompt("A dropped portrait starts to smile");
  await studio.generate();
  await studio.expectCompleted();
});
