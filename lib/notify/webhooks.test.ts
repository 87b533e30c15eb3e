import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { maskUrl, outcomeOf, retryDelayMs } from "./deliver";
import type { WebhookEvent } from "./events";
import { signWebhook, webhookHeaders } from "./signature";
import { isSlackUrl, slackMessage } from "./slack";

const SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

const event: WebhookEvent = {
  id: "evt_1",
  type: "completed",
  timestamp: "2026-12-03T10:00:00.000Z",
  data: {
    task: {
      id: "task123",
      status: "completed",
      prompt: "A fox <crosses> the road & waves",
      negativePrompt: null,
      seconds: 5,
      size: "720P",
      seed: 7,
      promptExtend: null,
      watermark: null,
      combination: "first_frame",
      takeSetId: null,
      takeIndex: null,
      createdAt: "2026-12-03T09:58:00.000Z",
      completedAt: "2026-12-03T10:00:00.000Z",
      error: null,
    },
    maker: { id: "ann@studio.test", name: "Ann" },
    links: {
      task: "https://studio.example.com/videos/task123",
      takeSet: null,
      share: null,
      poster: "https://studio.example.com/api/posters/task123?exp=1&sig=x",
    },
  },
};

describe("Standard Webhooks signing", () => {
  it("signs id.timestamp.body with the secret's bytes, as v1,<base64>", () => {
    // The spec's own example (standardwebhooks.com, "Verifying"): same secret, id, time, body.
    const signature = signWebhook(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("sends the three headers, the signature only with a secret", () => {
    const headers = webhookHeaders(SECRET, "evt_1", "{}", 1_700_000_000_000);
    expect(headers).toEqual({
      "webhook-id": "evt_1",
      "webhook-timestamp": "1700000000",
      "webhook-signature": signWebhook(SECRET, "evt_1", 1_700_000_000, "{}"),
    });
    expect(webhookHeaders(undefined, "evt_1", "{}")).not.toHaveProperty("webhook-signature");
  });
});

describe("Slack's shape", () => {
  it("knows Slack's incoming-webhook host, over https only", () => {
    expect(isSlackUrl("https://hooks.slack.com/services/T0/B0/xyz")).toBe(true);
    expect(isSlackUrl("http://hooks.slack.com/services/T0/B0/xyz")).toBe(false);
    expect(isSlackUrl("https://hooks.slack.com.evil.test/services")).toBe(false);
  });

  it("has text and blocks: the linked headline (escaped), the poster, who and how", () => {
    const message = slackMessage(event);
    expect(message.text).toBe("Video ready: A fox <crosses> the road & waves");
    expect(message.blocks).toEqual([
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: "*<https://studio.example.com/videos/task123|Video ready: A fox &lt;crosses&gt; the road &amp; waves>*",
        },
      },
      {
        type: "image",
        image_url: event.data.links.poster,
        alt_text: "Video ready: A fox <crosses> the road & waves",
      },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: "Ann · 5 s · 720P · seed 7" }],
      },
    ]);
  });

  it("says why a video failed, without an image", () => {
    const failed: WebhookEvent = {
      ...event,
      type: "failed",
      data: {
        ...event.data,
        task: { ...event.data.task, status: "failed", error: { code: "x", message: "It broke." } },
        links: { ...event.data.links, poster: null },
      },
    };
    const message = slackMessage(failed);
    expect(message.text).toBe("Video failed: It broke.");
    expect(message.blocks.map((block) => (block as { type: string }).type)).toEqual([
      "section",
      "context",
    ]);
  });

  it("quotes a comment under who wrote it on which video, with its pin and the share link", () => {
    const comment: WebhookEvent = {
      id: "evt_2",
      type: "comment_added",
      timestamp: "2026-12-03T10:05:00.000Z",
      data: {
        comment: {
          id: "cm_1",
          text: "Slower <here> & brighter\nthen cut",
          clipped: false,
          atSeconds: 83.4,
          createdAt: "2026-12-03T10:05:00.000Z",
        },
        author: { id: null, name: "Pat <client>", viaShareLink: true },
        target: { kind: "task", id: "task123" },
        task: { id: "task123", prompt: "A fox crosses the road" },
        takeSet: null,
        maker: { id: "ann@studio.test", name: "Ann" },
        links: {
          task: "https://studio.example.com/videos/task123",
          takeSet: null,
          share: "https://studio.example.com/s/abc",
          poster: null,
        },
      },
    };
    const message = slackMessage(comment);
    expect(message.text).toBe(
      "Pat <client> commented on A fox crosses the road: Slower <here> & brighter\nthen cut",
    );
    expect(message.blocks).toEqual([
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: "*<https://studio.example.com/videos/task123|Pat &lt;client&gt; commented on A fox crosses the road>*",
        },
      },
      {
        type: "section",
        text: { type: "mrkdwn", text: ">Slower &lt;here&gt; &amp; brighter\n>then cut" },
      },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: "at 1:23.4 · left through a share link · <https://studio.example.com/s/abc|share link>",
          },
        ],
      },
    ]);
  });
});

describe("delivery rules", () => {
  it("delivers on 2xx, retries 5xx/408/429, fails other answers at once", () => {
    expect(outcomeOf(204).kind).toBe("delivered");
    for (const status of [500, 502, 503, 408, 425, 429])
      expect(outcomeOf(status).kind).toBe("retry");
    for (const status of [301, 400, 401, 404, 410]) expect(outcomeOf(status).kind).toBe("failed");
  });

  it("backs off 5 s, 15 s, 45 s… at most 2 h, with jitter", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, middle))).toEqual([5000, 15000, 45000, 135000]);
    expect(retryDelayMs(20, middle)).toBe(2 * 3600 * 1000);
    expect(retryDelayMs(1, () => 0)).toBe(4000);
    expect(retryDelayMs(1, () => 1)).toBe(6000);
  });

  it("shows a URL without its token", () => {
    expect(maskUrl("https://hooks.slack.com/services/T0/B0/secret")).toBe(
      "https://hooks.slack.com/services/…",
    );
    expect(maskUrl("https://example.com/hook?token=abc")).toBe("https://example.com/hook/…");
    expect(maskUrl("https://example.com")).toBe("https://example.com/");
  });
});

describe("webhook settings", () => {
  it("keeps URLs as written and needs a secret for a receiver that is not Slack", () => {
    const slackOnly = parseEnv({ WEBHOOK_URLS: "https://hooks.slack.com/services/T/B/AbC" });
    expect(slackOnly.WEBHOOK_URLS).toEqual(["https://hooks.slack.com/services/T/B/AbC"]);
    expect(() => parseEnv({ WEBHOOK_URLS: "https://ci.example.com/Hook" })).toThrow(
      /WEBHOOK_SECRET/,
    );
    const both = parseEnv({
      WEBHOOK_URLS: " https://ci.example.com/Hook , https://hooks.slack.com/services/T/B/C ",
      WEBHOOK_SECRET: SECRET,
    });
    expect(both.WEBHOOK_URLS).toEqual([
      "https://ci.example.com/Hook",
      "https://hooks.slack.com/services/T/B/C",
    ]);
    expect(both.WEBHOOK_TIMEOUT_MS).toBe(10_000);
  });

  it("refuses a malformed list or secret, never echoing the secret", () => {
    expect(() => parseEnv({ WEBHOOK_URLS: "ftp://x.example.com" })).toThrow(/WEBHOOK_URLS/);
    let message = "";
    try {
      parseEnv({ WEBHOOK_SECRET: "whsec_short-and-secret" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("WEBHOOK_SECRET");
    expect(message).not.toContain("short-and-secret");
  });
});
