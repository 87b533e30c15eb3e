import { expect, test } from "./fixtures";
import { fixturePath } from "./pages/studio";

test.describe("combinations the model refuses cannot be sent", () => {
  test("a last frame alone leaves Generate disabled, with the reason", async ({ studio }) => {
    await studio.expectGenerateBlocked("Add a first frame or a first clip to start.");

    await studio.upload("Last frame", "ending.png");
    await studio.expectGenerateBlocked(/first frame or a first clip/);

    await studio.upload("First frame", "portrait.png");
    await expect(studio.generateButton).toBeEnabled();
  });

  test("a first clip disables the first frame and the driving audio", async ({ studio }) => {
    await studio.upload("First clip", "clip.mp4");

    await studio.expectSlotBlocked(
      "Driving audio",
      "Driving audio needs a first frame, not a first clip.",
    );
    await studio.expectSlotBlocked(
      "First frame",
      "A first clip already opens the video; remove it to start from a frame.",
    );
    await expect(studio.fileInput("Last frame")).toBeEnabled();
    await expect(studio.generateButton).toBeEnabled();

    await studio.removeButton("First clip").click();
    await studio.expectEmpty("First clip");
    await expect(studio.fileInput("Driving audio")).toBeEnabled();
    await expect(studio.fileInput("First frame")).toBeEnabled();
    await studio.expectGenerateBlocked("Add a first frame or a first clip to start.");
  });

  test("a first frame disables the first clip", async ({ studio }) => {
    await studio.upload("First frame", "portrait.png");
    await studio.expectSlotBlocked("First clip", /remove the frame/);
  });
});

test.describe("files of the wrong kind are refused and nothing is kept", () => {
  test("a text file named .png in First frame", async ({ studio }) => {
    await studio.pickRefused("First frame", "not-an-image.png");
    await expect(studio.slotError("First frame")).toContainText(/JPEG, PNG, BMP or WEBP/);
    await studio.expectEmpty("First frame");
    await expect(studio.generateButton).toBeDisabled();

    // The slot still takes a good file afterwards.
    await studio.upload("First frame", "portrait.png");
    await expect(studio.slotError("First frame")).toHaveCount(0);
  });

  test("an MP4 in Driving audio", async ({ studio }) => {
    await studio.upload("First frame", "portrait.png");
    await studio.pickRefused("Driving audio", "clip.mp4");
    await expect(studio.slotError("Driving audio")).toContainText(/WAV or MP3/);
    await studio.expectEmpty("Driving audio");
  });

  test("an image smaller than 240 px", async ({ studio }) => {
    await studio.pickRefused("First frame", "tiny.png");
    await expect(studio.slotError("First frame")).toContainText(/240/);
    await studio.expectEmpty("First frame");
  });

  test("an image with transparency", async ({ studio }) => {
    await studio.pickRefused("Last frame", "transparent.png");
    await expect(studio.slotError("Last frame")).toContainText(/transparen/i);
    await studio.expectEmpty("Last frame");
  });

  test("driving audio shorter than 2 seconds", async ({ studio }) => {
    await studio.pickRefused("Driving audio", "short.wav");
    await expect(studio.slotError("Driving audio")).toContainText(/2/);
    await studio.expectEmpty("Driving audio");
  });
});

test("while a file uploads, its slot shows progress and Generate waits", async ({
  studio,
  page,
}) => {
  // Hold the upload at the network so the in-between state is there to see, then let it go.
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/api/uploads**", async (route) => {
    await released;
    await route.continue();
  });

  await studio.fileInput("First frame").setInputFiles(fixturePath("landscape.jpg"));
  await expect(studio.uploadProgress("First frame")).toBeVisible();
  await expect(studio.slot("First frame")).toContainText("landscape.jpg");
  await studio.expectGenerateBlocked(/upload/i);

  release();
  await studio.expectKept("First frame", "landscape.jpg");
  await expect(studio.generateButton).toBeEnabled();
});

test.describe("form fields", () => {
  test("a duration outside 2–15 seconds cannot be submitted", async ({ studio }) => {
    await studio.upload("First frame", "portrait.png");
    await expect(studio.duration).toHaveAttribute("min", "2");
    await expect(studio.duration).toHaveAttribute("max", "15");

    await studio.duration.fill("16");
    await studio.expectGenerateBlocked(/15/);

    await studio.duration.fill("1");
    await studio.expectGenerateBlocked(/\b2\b/);

    await studio.duration.fill("15");
    await expect(studio.generateButton).toBeEnabled();
  });

  test("the prompt shows how many of its 800 characters are used", async ({ studio, page }) => {
    await expect(page.getByText("0 / 800")).toBeVisible();
    await studio.prompt.fill("Waves roll in");
    await expect(page.getByText("13 / 800")).toBeVisible();
    await studio.prompt.fill("");
    await expect(page.getByText("0 / 800")).toBeVisible();
  });

  test("resolution is a choice of 720P or 1080P, 720P first", async ({ studio }) => {
    await expect(studio.resolution.getByRole("radio")).toHaveCount(2);
    await expect(studio.resolutionOption("720P")).toBeChecked();
    await studio.resolutionOption("1080P").check();
    await expect(studio.resolutionOption("720P")).not.toBeChecked();
  });

  test("demo mode is announced when no API key is set", async ({ studio }) => {
    await expect(studio.page.getByText(/Demo mode/)).toBeVisible();
  });
});
