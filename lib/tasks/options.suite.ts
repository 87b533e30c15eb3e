import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoDialectName } from "@/lib/gateway/demo/dialects";
import { SEED_MAX } from "@/lib/video-request";
import { closeServers, loadApp } from "./faults.harness";

/**
 * The model's options from a Generate to the gateway and back, with real parts: the database
 * (embedded, or the Postgres server `databaseUrl` names), the media route, and the demo
 * gateway over HTTP in the dialect named. What the demo gateway read is checked in its own
 * stored request (demo_videos.request). Run by options.*.test.ts.
 */

export function describeModelOptions(
  name: string,
  databaseUrl: () => string | undefined,
  dialect: DemoDialectName,
) {
  describe(`model options (${name}, ${dialect} gateway)`, () => {
    let harness: Awaited<ReturnType<typeof loadApp>>;
    let db: Awaited<ReturnType<typeof import("@/lib/db/client").getDb>>;
    let schema: typeof import("@/lib/db/schema");
    const token = `opt${Date.now().toString(36)}`;

    beforeAll(async () => {
      process.env.DATA_DIR = await mkdtemp(path.join(tmpdir(), "wan-options-"));
      process.env.DATABASE_URL = databaseUrl() ?? "";
      process.env.DEMO_GATEWAY_DIALECT = dialect;
      process.env.POLL_INTERVAL_MS = "200";
      process.env.DEMO_STEP_MS = "60";
      process.env.VIDEO_API_TIMEOUT_MS = "2000";
      process.env.SUBMIT_RATE_PER_MINUTE = "1000";
      process.env.VIDEO_API_KEY = "";
      process.env.VIDEO_API_BASE_URL = "";
      harness = await loadApp();
      db = await (await import("@/lib/db/client")).getDb();
      schema = await import("@/lib/db/schema");
    }, 120_000);

    afterAll(async () => {
      if (harness) await closeServers([harness.app.server]);
    });

    const posts = () => harness.app.calls.filter((call) => call.method === "POST").length;

    /** What the demo gateway read from the create of `gatewayId`. */
    async function gatewayRead(gatewayId: string | null) {
      const [row] = await db
        .select()
        .from(schema.demoVideos)
        .where(eq(schema.demoVideos.id, gatewayId ?? "-"));
      if (!row) throw new Error(`the demo gateway kept no task ${gatewayId}`);
      return row.request;
    }

    async function frame() {
      const media = await harness.upload();
      return [{ type: "first_frame" as const, mediaId: media.id }];
    }

    it("sends the options set, with their types, and keeps the seed actually sent", async () => {
      const row = await harness.tasks.submitTask(
        {
          media: await frame(),
          seconds: 2,
          size: "720P",
          prompt: `Options set ${token}`,
          negativePrompt: `no rain ${token}`,
          seed: 123_456,
          promptExtend: false,
          watermark: true,
        },
        (await import("@/lib/auth/user")).LOCAL_USER,
      );
      expect(row.status).toBe("queued");
      expect(row).toMatchObject({
        seed: 123_456,
        negativePrompt: `no rain ${token}`,
        promptExtend: false,
        watermark: true,
      });
      const read = await gatewayRead(row.gatewayId);
      expect(read).toMatchObject({
        seed: 123_456,
        negative_prompt: `no rain ${token}`,
        prompt_extend: false,
        watermark: true,
      });
      expect(typeof read.seed).toBe("number");
      // The result says so too.
      const view = harness.tasks.toTaskView(row);
      expect(view).toMatchObject({ seed: 123_456, promptExtend: false, watermark: true });
    });

    it("picks a Random seed, sends and keeps it; options at their defaults are not sent", async () => {
      const row = await harness.tasks.submitTask(
        {
          media: await frame(),
          seconds: 2,
          size: "720P",
          prompt: `Defaults ${token}`,
          // Equal to the model's defaults: left out of the body, stored as null.
          promptExtend: true,
          watermark: false,
        },
        (await import("@/lib/auth/user")).LOCAL_USER,
      );
      expect(Number.isInteger(row.seed)).toBe(true);
      expect(row.seed).toBeGreaterThanOrEqual(0);
      expect(row.seed).toBeLessThanOrEqual(SEED_MAX);
      expect(row).toMatchObject({ negativePrompt: null, promptExtend: null, watermark: null });
      const read = await gatewayRead(row.gatewayId);
      expect(read.seed).toBe(row.seed);
      for (const key of ["negative_prompt", "prompt_extend", "watermark"]) {
        expect(Object.keys(read)).not.toContain(key);
      }
    });

    it("submitVideo refuses bad options with sentences beside the fields; nothing is sent or kept", async () => {
      const { submitVideo } = await import("@/app/actions");
      const media = await frame();
      const before = { posts: posts(), tasks: (await db.select().from(schema.tasks)).length };
      const seedSentence = `The seed is a whole number from 0 to ${SEED_MAX}.`;
      const cases: [Record<string, unknown>, string, string][] = [
        [{ seed: -1 }, "seed", seedSentence],
        [{ seed: 2 ** 31 }, "seed", seedSentence],
        [{ seed: 1.5 }, "seed", seedSentence],
        [{ seed: "abc" }, "seed", seedSentence],
        [{ seed: "42" }, "seed", seedSentence],
        [
          { negativePrompt: "n".repeat(501) },
          "negativePrompt",
          "Keep the negative prompt within 500 characters.",
        ],
        [{ watermark: "yes" }, "watermark", "The watermark is on or off."],
      ];
      for (const [options, field, sentence] of cases) {
        const result = await submitVideo(
          { media, seconds: 2, size: "720P", prompt: `Refused ${token}`, ...options },
          crypto.randomUUID(),
        );
        expect(result.ok, JSON.stringify(options)).toBe(false);
        if (result.ok) continue;
        expect(result.error.code).toBe("invalid_request");
        expect(result.error.message).toBe("Some settings need a change before generating.");
        expect(result.error.fieldErrors).toEqual({ [field]: [sentence] });
      }
      expect(posts()).toBe(before.posts);
      expect((await db.select().from(schema.tasks)).length).toBe(before.tasks);
    });

    it("lists by seed and finds negative prompts with the prompt search", async () => {
      const { listTasks } = harness.tasks;
      const user = (await import("@/lib/auth/user")).LOCAL_USER;
      const seed = 777_000 + Math.floor(Math.random() * 1000);
      const fixed = await harness.tasks.submitTask(
        {
          media: await frame(),
          seconds: 2,
          size: "720P",
          prompt: `Fixed seed ${token}`,
          negativePrompt: `smudge-${token}`,
          seed,
        },
        user,
      );
      const other = await harness.tasks.submitTask(
        { media: await frame(), seconds: 2, size: "720P", prompt: `Other seed ${token}` },
        user,
      );
      const bySeed = await listTasks({ seed });
      expect(bySeed.rows.map((row) => row.id)).toEqual([fixed.id]);
      expect((await listTasks({ seed: other.seed ?? -1 })).rows.map((row) => row.id)).toContain(
        other.id,
      );
      // Filters combine: the seed and a search that does not match leave nothing.
      expect((await listTasks({ seed, search: "no such words" })).rows).toEqual([]);
      // The prompt search also reads negative prompts, case-insensitively.
      const found = await listTasks({ search: `SMUDGE-${token}` });
      expect(found.rows.map((row) => row.id)).toEqual([fixed.id]);
      // …and still reads prompts.
      const prompts = await listTasks({ search: `seed ${token}` });
      expect(prompts.rows.map((row) => row.id)).toEqual([other.id, fixed.id]);
    });
  });
}
