import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "./fixtures";
import { NEW_API_E2E } from "./new-api-settings";
import { StudioPage } from "./pages/studio";

// new-api cuts every /content download at 60 s, body included, and ignores Range. With
// `[demo-fail:content-slow]` the demo's /content trickles for three minutes, so the copy from
// it is always cut; the app must keep the video through the read's metadata.url (the
// provider's key-free link) and then serve it from our own storage. On the fresh new-api
// server, whose result links outlive the cut.
test.use({ baseURL: NEW_API_E2E.fresh.baseURL });

/** Where that server's demo gateway keeps the videos it renders (one per task). */
const RENDERS = path.join(__dirname, "..", NEW_API_E2E.fresh.dataDir, "demo-gateway", "renders");

/** Every video the gateway rendered so far. */
async function renders(): Promise<Buffer[]> {
  const names = (await readdir(RENDERS)).filter((name) => name.endsWith(".mp4"));
  return Promise.all(names.map((name) => readFile(path.join(RENDERS, name))));
}

test("a /content cut at 60 s: the video is kept through metadata.url and plays from our storage", async ({
  studio,
  page,
}) => {
  test.setTimeout(180_000);
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt("Rain drums on a tin roof [demo-fail:content-slow]");
  const taskId = await studio.generate();
  await studio.expectStatus(/Completed/);

  // The poster is made from the kept copy only: it exists once the video is in our storage.
  await expect
    .poll(async () => (await page.request.get(`/api/tasks/${taskId}/poster`)).status(), {
      timeout: 150_000,
      intervals: [2_000],
    })
    .toBe(200);
  // Whole, byte for byte: no /content download of this task can finish (each is cut).
  const kept = await page.request.get(`/api/tasks/${taskId}/video`);
  expect(kept.status()).toBe(200);
  const keptBytes = await kept.body();
  expect((await renders()).some((made) => made.equals(keptBytes))).toBe(true);
  const ranged = await page.request.get(`/api/tasks/${taskId}/video`, {
    headers: { Range: "bytes=0-7" },
  });
  expect(ranged.status()).toBe(206);

  await page.reload();
  const view = new StudioPage(page);
  await expect(view.taskStatus).toContainText("Completed");
  await view.expectVideoPlays();
  await view.expectDownloadIsMp4();
});
