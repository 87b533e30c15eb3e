import { DEPLOYED_E2E } from "./deployed-settings";
import { expect, test } from "./fixtures";
import { TaskPage } from "./pages/history";
import { StudioPage } from "./pages/studio";

// playwright.config.ts runs the demo gateway with DEMO_CONTENT_TTL_MS (a few seconds): after
// that its /content answers 502, like the provider's expired result links. The app copies
// each result into its own storage on completion, so a video keeps playing after its link
// has gone.
// The main server's demo gateway takes the deployed project's key (see playwright.config.ts).
const DEMO = { Authorization: `Bearer ${DEPLOYED_E2E.apiKey}` };

test("a video still plays and downloads after the gateway's link has expired", async ({
  studio,
  page,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const token = `k${Date.now().toString(36)}`;
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(`A kite climbs into a windy sky ${token}`);
  const taskId = await studio.generate();
  await studio.expectCompleted();

  // The demo gateway's link for a video really expires: one made straight against it, from
  // the same stored first frame (a signed media URL, as the app sends the gateway).
  const task = new TaskPage(page);
  await task.goto(taskId);
  const preview = task.inputs.getByRole("img", { name: "First frame: portrait.png" });
  const mediaUrl = new URL((await preview.getAttribute("src")) as string, baseURL).toString();
  const created = await page.request.post("/api/demo-gateway/v1/videos", {
    headers: DEMO,
    // Both forms, as the app's client sends them: the new-api project's gateway reads only
    // metadata.input.media.
    data: {
      model: "wan2.7-i2v",
      media: [{ type: "first_frame", url: mediaUrl }],
      metadata: { input: { media: [{ type: "first_frame", url: mediaUrl }] } },
      prompt: `Direct to the gateway ${token}`,
      seconds: "2",
      size: "720P",
    },
  });
  expect(created.status()).toBe(200);
  const { id: gatewayId } = (await created.json()) as { id: string };
  await expect
    .poll(
      async () =>
        (
          await (
            await page.request.get(`/api/demo-gateway/v1/videos/${gatewayId}`, { headers: DEMO })
          ).json()
        ).status,
      { timeout: 15_000 },
    )
    .toBe("completed");
  const fresh = await page.request.get(`/api/demo-gateway/v1/videos/${gatewayId}/content`, {
    headers: DEMO,
  });
  expect(fresh.status()).toBe(200);
  expect((await fresh.body()).subarray(4, 8).toString("latin1")).toBe("ftyp");

  const content = () =>
    page.request.get(`/api/demo-gateway/v1/videos/${gatewayId}/content`, { headers: DEMO });
  // Polled rather than slept, so the spec follows whatever TTL the config sets (seconds).
  await expect.poll(async () => (await content()).status(), { timeout: 20_000 }).toBe(502);
  const expired = await content();
  expect(await expired.json()).toMatchObject({
    error: { message: expect.stringMatching(/expired/) },
  });

  // Our task finished before that one, so its link has expired too; the app serves its copy.
  await page.reload();
  const view = new StudioPage(page);
  await expect(view.taskStatus).toContainText("Completed");
  await view.expectVideoPlays();
  await view.expectDownloadIsMp4();
  const ranged = await page.request.get(`/api/tasks/${taskId}/video`, {
    headers: { Range: "bytes=0-7" },
  });
  expect(ranged.status()).toBe(206);
  expect((await ranged.body()).subarray(4, 8).toString("latin1")).toBe("ftyp");
});
