import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeHarnessServers,
  type HarnessOptions,
  mediaOptions,
  startGateway,
  startMediaServer,
} from "./gateway.harness";
import { createDemoGateway, routeDemoRequest } from "./handler";
import { memoryDemoStore } from "./store";

// metadata.url, in both dialects: a signed link to the finished MP4 that needs no key (the
// client fetches it without one when /content fails or is cut), honours Range, is not held to
// new-api's download deadline, and expires with the provider's link (DEMO_CONTENT_TTL_MS).

let mediaUrl = "";
beforeAll(async () => {
  mediaUrl = await startMediaServer();
});
afterAll(closeHarnessServers);

const body = (prompt = "a calm sea") => ({
  model: "wan2.7-i2v",
  prompt,
  seconds: "5",
  size: "720P",
  media: [{ type: "first_frame", url: `${mediaUrl}/frame.png` }],
  metadata: { input: { media: [{ type: "first_frame", url: `${mediaUrl}/frame.png` }] } },
});

/** Completes one task and returns its metadata.url. */
async function completed(options: HarnessOptions, prompt?: string) {
  const gateway = await startGateway({ linkTtlMs: 60_000, ...options });
  expect((await gateway.create(body(prompt))).status).toBe(200);
  gateway.advance(4000);
  const video = await gateway.read();
  expect(video.status).toBe("completed");
  return { ...gateway, link: video.metadata.url as string };
}

describe.each(["documented", "new-api"] as const)("result link (%s)", (dialect) => {
  it("serves the same MP4 as /content without the key, with ranges", async () => {
    const { link, call } = await completed({ dialect });
    expect(link).toMatch(/\/api\/demo-gateway\/files\/task_1\?expires=\d+&signature=[0-9a-f]{64}$/);
    const viaKey = Buffer.from(
      await (await call("GET", "/v1/videos/task_1/content")).arrayBuffer(),
    );
    const open = await fetch(link);
    expect(open.status).toBe(200);
    expect(open.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await open.arrayBuffer())).toEqual(viaKey);
    const part = await fetch(link, { headers: { Range: "bytes=0-7" } });
    expect(part.status).toBe(206);
    expect(
      Buffer.from(await part.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe("ftyp");
  });

  it("refuses a link whose signature, id or expiry was changed", async () => {
    const { link } = await completed({ dialect });
    const url = new URL(link);
    const forged = [
      link.replace(/signature=(.)/, (_, c) => `signature=${c === "0" ? "1" : "0"}`),
      link.replace("/files/task_1", "/files/task_2"),
      link.replace(/expires=(\d+)/, (_, s) => `expires=${Number(s) + 3600}`),
      `${url.origin}${url.pathname}`,
    ];
    for (const attempt of forged) {
      const response = await fetch(attempt);
      expect(response.status, attempt).toBe(403);
      expect(await response.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    }
  });

  it("expires with the provider's link: 403 once DEMO_CONTENT_TTL_MS has passed", async () => {
    const { link, advance } = await completed({ dialect, linkTtlMs: 5000 });
    advance(5000);
    expect((await fetch(link)).status).toBe(200);
    advance(1001);
    const expired = await fetch(link);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/Request has expired/);
  });

  it("[demo-fail:content-midstream]: the link breaks half-way too while the window lasts", async () => {
    const { link, advance } = await completed({ dialect }, "[demo-fail:content-midstream:6s]");
    const broken = await fetch(link);
    expect(broken.status).toBe(200);
    await expect(broken.arrayBuffer()).rejects.toThrow();
    advance(2000);
    const whole = await fetch(link);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.byteLength).toBe(Number(whole.headers.get("content-length")));
  });

  it("[demo-fail:content]: /content answers 502 and the link has expired too", async () => {
    const { link, call } = await completed({ dialect }, "[demo-fail:content]");
    expect((await call("GET", "/v1/videos/task_1/content")).status).toBe(502);
    expect((await fetch(link)).status).toBe(403);
  });
});

describe("result link, as the caller reached the gateway", () => {
  it("names the host the caller used, not the URL Next hands the route (localhost)", async () => {
    const gateway = createDemoGateway({
      store: memoryDemoStore(),
      apiKey: "demo-key",
      stepMs: 0,
      media: mediaOptions(mediaUrl),
    });
    const request = (path: string, init: RequestInit = {}) =>
      new Request(`http://localhost:3261/api/demo-gateway${path}`, {
        ...init,
        headers: { Authorization: "Bearer demo-key", Host: "127.0.0.1:3261" },
      });
    const created = await routeDemoRequest(
      gateway,
      request("/v1/videos", { method: "POST", body: JSON.stringify(body()) }),
    );
    const { id } = await created.json();
    const video = await (await routeDemoRequest(gateway, request(`/v1/videos/${id}`))).json();
    expect(video.metadata.url).toMatch(/^http:\/\/127\.0\.0\.1:3261\/api\/demo-gateway\/files\//);
  });
});

describe("result link (new-api)", () => {
  it("is the way around a cut /content: whole, without a deadline, even for [demo-fail:content-slow]", async () => {
    const { link, call } = await completed(
      { dialect: "new-api", downloadLimitMs: 300 },
      "slow [demo-fail:content-slow]",
    );
    const cut = await call("GET", "/v1/videos/task_1/content");
    await expect(cut.arrayBuffer()).rejects.toThrow();
    const whole = await fetch(link);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.byteLength).toBe(Number(whole.headers.get("content-length")));
    expect(bytes.subarray(4, 8).toString()).toBe("ftyp");
  });
});
