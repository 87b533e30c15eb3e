import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCreateBody, createGatewayClient, type GatewayError } from "@/lib/gateway";
import {
  closeHarnessServers,
  HARNESS_KEY,
  startGateway,
  startMediaServer,
} from "./gateway.harness";

// The real client, unchanged, against the demo gateway speaking mainline new-api over HTTP:
// the body it sends by default (both forms) is read, its answers are understood, and the
// result link it falls back to serves the video without the key.

let mediaUrl = "";
beforeAll(async () => {
  mediaUrl = await startMediaServer();
});
afterAll(closeHarnessServers);

async function setup(bodyStyle?: "both" | "top" | "metadata") {
  const gateway = await startGateway({ dialect: "new-api" });
  const client = createGatewayClient({
    baseUrl: gateway.root,
    apiKey: HARNESS_KEY,
    retryBaseMs: 5,
    bodyStyle,
  });
  return { gateway, client };
}

const frame = () => ({ type: "first_frame" as const, url: `${mediaUrl}/frame.png` });

describe("the real client against the new-api demo gateway", () => {
  it("is read with both forms or metadata alone; the documented form alone has no media there", async () => {
    for (const style of ["both", "metadata"] as const) {
      const { client, gateway } = await setup(style);
      const audio = { type: "driving_audio" as const, url: `${mediaUrl}/voice.wav` };
      const body = buildCreateBody({ seconds: 5, size: "720P", prompt: "a slow pan" }, [
        frame(),
        audio,
      ]);
      const created = await client.createVideo(body);
      expect(created.status).toBe("queued");
      gateway.advance(4000);
      const done = await client.getVideo(created.id);
      expect(done.status).toBe("completed");
      expect(done.resultUrl).toMatch(/\/files\/task_1\?expires=/);
      // The link the client falls back to: no key, the whole MP4.
      const bytes = Buffer.from(await (await fetch(done.resultUrl as string)).arrayBuffer());
      expect(bytes.subarray(4, 8).toString()).toBe("ftyp");
    }
    const { client } = await setup("top");
    const refused = await client
      .createVideo(buildCreateBody({ seconds: 5, size: "720P", prompt: "x" }, [frame()]))
      .catch((error: GatewayError) => error);
    expect(refused).toMatchObject({ code: "rejected:gateway", status: 500 });
    expect((refused as GatewayError).outcomeUnknown).toBeFalsy();
  });

  it("understands its refusals: no prompt, quota, saturation, an empty 429, a provider's InvalidParameter", async () => {
    const { client } = await setup();
    const attempt = (prompt: string | undefined, media = [frame()]) =>
      client
        .createVideo(buildCreateBody({ seconds: 5, size: "720P", prompt }, media))
        .then(() => {
          throw new Error("expected a refusal");
        })
        .catch((error: GatewayError) => error);
    expect((await attempt(undefined)).code).toBe("prompt_required:gateway");
    expect((await attempt("[demo-fail:quota]")).code).toBe("quota:gateway");
    expect((await attempt("[demo-fail:rate-limit]")).code).toBe("rate_limited:gateway");
    expect((await attempt("[demo-fail:rate-limit-empty]")).code).toBe("rate_limited:gateway");
    const bad = await attempt("x", [{ ...frame(), url: `${mediaUrl}/fake.png` }]);
    expect(bad.code).toBe("rejected:gateway");
    expect(bad.userMessage).toMatch(/first frame is not a JPEG, PNG, BMP or WEBP file/);
  });

  it("reads a transient unknown with its Throttling code, then the completed task", async () => {
    const { client, gateway } = await setup();
    const created = await client.createVideo(
      buildCreateBody({ seconds: 5, size: "720P", prompt: "[demo-fail:unknown-transient]" }, [
        frame(),
      ]),
    );
    gateway.advance(60_000);
    const unknown = await client.getVideo(created.id);
    expect(unknown.status).toBe("unknown");
    expect(unknown.error?.code).toBe("Throttling.RateQuota");
    gateway.advance(60_000);
    expect((await client.getVideo(created.id)).status).toBe("completed");
  });
});
