import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCreateBody, createGatewayClient, type GatewayBodyStyle } from "@/lib/gateway";
import type { DemoDialectName } from "./dialects";
import {
  closeHarnessServers,
  HARNESS_KEY,
  startGateway,
  startMediaServer,
} from "./gateway.harness";

// The model's options travel from our body builder, through the real client, to the demo
// gateway over HTTP, in each dialect and each body style it reads: what the gateway stored
// as the request it read (demo_videos.request) carries them with their documented types, and
// nothing for an option left at its default.

let mediaUrl = "";
beforeAll(async () => {
  mediaUrl = await startMediaServer();
});
afterAll(closeHarnessServers);

const frame = () => ({ type: "first_frame" as const, url: `${mediaUrl}/frame.png` });

/** Creates one video through the client and returns the request the gateway stored. */
async function sentAndRead(
  dialect: DemoDialectName,
  bodyStyle: GatewayBodyStyle,
  options: Parameters<typeof buildCreateBody>[0],
) {
  const gateway = await startGateway({ dialect });
  const client = createGatewayClient({
    baseUrl: gateway.root,
    apiKey: HARNESS_KEY,
    retryBaseMs: 5,
    bodyStyle,
  });
  const created = await client.createVideo(buildCreateBody(options, [frame()]));
  const row = await gateway.store.get(created.id);
  if (!row) throw new Error(`the gateway kept no task ${created.id}`);
  return row.request;
}

const cases: [DemoDialectName, GatewayBodyStyle][] = [
  ["documented", "both"],
  ["documented", "top"],
  ["new-api", "both"],
  ["new-api", "metadata"],
];

describe("the model's options reach the demo gateway", () => {
  it.each(cases)(
    "%s gateway, %s body: seed, negative prompt and switches as set",
    async (dialect, style) => {
      const request = await sentAndRead(dialect, style, {
        seconds: 3,
        size: "720P",
        prompt: "a slow pan",
        negativePrompt: "blurry hands",
        seed: 2_147_483_647,
        promptExtend: false,
        watermark: true,
      });
      expect(request).toMatchObject({
        prompt: "a slow pan",
        negative_prompt: "blurry hands",
        seed: 2_147_483_647,
        prompt_extend: false,
        watermark: true,
      });
      expect(typeof request.seed).toBe("number");
    },
  );

  it.each(cases)("%s gateway, %s body: options left unset are not sent", async (dialect, style) => {
    const request = await sentAndRead(dialect, style, {
      seconds: 3,
      size: "720P",
      prompt: "a slow pan",
      seed: 0,
    });
    expect(request.seed).toBe(0);
    for (const key of ["negative_prompt", "prompt_extend", "watermark"]) {
      expect(Object.keys(request)).not.toContain(key);
    }
  });
});

describe("both dialects refuse the same bad options, each where it reads them", () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["seed -1", { seed: -1 }, /seed must be an integer from 0 to 2147483647/],
    ["seed 2^31", { seed: 2 ** 31 }, /seed must be an integer/],
    ["seed 1.5", { seed: 1.5 }, /seed must be an integer/],
    ['seed "abc"', { seed: "abc" }, /seed must be an integer/],
    ['seed "42"', { seed: "42" }, /seed must be an integer/],
    ["prompt_extend as a string", { prompt_extend: "no" }, /prompt_extend must be true or false/],
    ["watermark as a number", { watermark: 1 }, /watermark must be true or false/],
  ];
  const negative = "n".repeat(501);

  /** The body each dialect reads: options top-level (documented) or in metadata (new-api). */
  function bodyFor(dialect: DemoDialectName, options: Record<string, unknown>) {
    const { negative_prompt, ...parameters } = options;
    const core = { model: "wan2.7-i2v", seconds: "3", size: "720P", prompt: "a slow pan" };
    if (dialect === "documented") return { ...core, media: [frame()], ...options };
    return {
      ...core,
      metadata: {
        input: { media: [frame()], ...(negative_prompt ? { negative_prompt } : {}) },
        parameters,
      },
    };
  }

  /** The refusal as text: the sentence is plain (documented) or in the provider's raw JSON. */
  async function refusal(response: Response): Promise<string> {
    expect(response.status).toBe(400);
    return JSON.stringify(await response.json());
  }

  it.each(["documented", "new-api"] as const)("%s", async (dialect) => {
    const gateway = await startGateway({ dialect });
    for (const [name, options, message] of [
      ...bad,
      ["a 501-character negative prompt", { negative_prompt: negative }, /at most 500/] as const,
    ]) {
      const text = await refusal(await gateway.create(bodyFor(dialect, options)));
      expect(text, name).toMatch(message);
    }
    // The same options, good, are taken.
    const good = { seed: 7, prompt_extend: false, watermark: true, negative_prompt: "blur" };
    expect((await gateway.create(bodyFor(dialect, good))).status).toBe(200);
  });
});
