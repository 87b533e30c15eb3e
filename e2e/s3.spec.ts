import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect, test } from "./fixtures";
import { S3_E2E } from "./s3-settings";

// The studio with S3 storage (project `s3`): files go from the browser straight into the
// bucket through presigned PUTs, the server checks them there, the gateway gets presigned
// GETs, and the finished video is kept in the bucket and played from it.

const bucket = new S3Client({
  region: "us-east-1",
  endpoint: S3_E2E.endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: S3_E2E.accessKeyId, secretAccessKey: S3_E2E.secretAccessKey },
});

async function inBucket(key: string): Promise<boolean> {
  try {
    await bucket.send(new HeadObjectCommand({ Bucket: S3_E2E.bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return false;
    }
    throw error;
  }
}

// Global setup warms the demo project's server only; this one opens its own database here.
test.beforeAll(async ({ request }) => {
  test.setTimeout(120_000);
  await expect
    .poll(async () => (await request.get(`${S3_E2E.baseURL}/api/tasks/warm-up-probe`)).status(), {
      timeout: 100_000,
    })
    .toBe(404);
});

test("uploads go straight to the bucket, and the video is kept and played from it", async ({
  studio,
  page,
}) => {
  const putsToBucket: string[] = [];
  const bodiesThroughApp: string[] = [];
  const completed: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin === S3_E2E.endpoint && request.method() === "PUT")
      putsToBucket.push(url.pathname);
    if (url.origin === S3_E2E.baseURL && url.pathname === "/api/uploads") {
      bodiesThroughApp.push(url.href);
    }
  });
  page.on("response", async (response) => {
    if (new URL(response.url()).pathname === "/api/uploads/complete" && response.status() === 201) {
      completed.push((await response.json()).media.id);
    }
  });

  await studio.dropFile("First frame", "portrait.png");
  await studio.expectKept("First frame", "portrait.png");
  await studio.dropFile("Driving audio", "voice.mp3");
  await studio.expectKept("Driving audio", "voice.mp3");

  expect(putsToBucket).toHaveLength(2);
  for (const path of putsToBucket) {
    expect(path).toMatch(new RegExp(`^/${S3_E2E.bucket}/pending/[0-9a-f-]{36}$`));
  }
  expect(bodiesThroughApp).toEqual([]);
  expect(completed).toHaveLength(2);
  for (const id of completed) {
    expect(await inBucket(`media/${id}`)).toBe(true);
    expect(await inBucket(`pending/${id}`)).toBe(false);
  }

  await studio.setPrompt("The presenter says hello, straight from the bucket");
  const taskId = await studio.generate();
  await studio.expectCompleted();

  // The result is copied into the bucket; the video route then sends the player there.
  await expect.poll(() => inBucket(`results/${taskId}.mp4`), { timeout: 15_000 }).toBe(true);
  const video = await page.request.get(`/api/tasks/${taskId}/video`, { maxRedirects: 0 });
  expect(video.status()).toBe(302);
  expect(video.headers().location).toMatch(
    new RegExp(`^${S3_E2E.endpoint}/${S3_E2E.bucket}/results/${taskId}\\.mp4\\?`),
  );
  await studio.expectDownloadIsMp4();
});
