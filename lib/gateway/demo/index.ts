import "server-only";
import { appendFile, mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { after } from "next/server";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logEvent } from "@/lib/tasks/log";
import { createDemoGateway, type DemoCreateRecord, type DemoGateway } from "./handler";
import { isOwnMediaUrl } from "./media-policy";
import { createDemoRenderer, type DemoRenderer } from "./renders";
import { contentError } from "./replies";
import { dbDemoStore } from "./store";

/**
 * The demo gateway as the app mounts it (app/api/demo-gateway/v1/videos/…, and its key-free
 * result links at app/api/demo-gateway/files/…): tasks in the app's database (`demo_videos`),
 * DEMO_STEP_MS per stage, DEMO_GATEWAY_KEY as its key, DEMO_GATEWAY_DIALECT as its dialect.
 *
 * With a real VIDEO_API_KEY set it answers 404: a deployment that pays for the real model has
 * no use for the demo. Without a key it stays up, even when VIDEO_API_BASE_URL points
 * elsewhere, so one wan-studio can serve another's demo. Its key is public: it downloads only
 * media links this app signed (media-policy.ts).
 */

export { type DemoFault, demoFaults } from "./faults";
export {
  createDemoGateway,
  type DemoCreateRecord,
  type DemoGateway,
  routeDemoRequest,
} from "./handler";
export { type DemoStore, dbDemoStore, memoryDemoStore } from "./store";

let instance: DemoGateway | undefined;

/** Where a capped demo gateway keeps its record of creates: one JSON line each. */
export function demoCreatesLogPath(dataDir: string): string {
  return path.join(dataDir, "demo-gateway", "creates.jsonl");
}

/** Appends one create to the record; the gateway admits creates one at a time, in order. */
async function recordCreate(record: DemoCreateRecord): Promise<void> {
  const file = demoCreatesLogPath(path.resolve(env().DATA_DIR));
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(record)}\n`);
}

/** Where the demo keeps its renders (one MP4 per task; removed after the link's lifetime). */
export function demoRendersPath(dataDir: string): string {
  return path.join(dataDir, "demo-gateway", "renders");
}

/** Its font for the caption, traced into the build with the sample videos (next.config.mjs). */
const CAPTION_FONT = path.join(process.cwd(), "lib/gateway/demo/assets/demo-caption-font.ttf");

/** Renders run after the answer (`after()`), or at once outside a request (a sweep). */
function afterAnswer(work: () => Promise<unknown>): void {
  try {
    after(work);
  } catch {
    void work();
  }
}

function renderer(): DemoRenderer {
  return createDemoRenderer({
    dir: demoRendersPath(path.resolve(env().DATA_DIR)),
    fontFile: CAPTION_FONT,
    media: { allow: isOwnMediaUrl },
    // One render per two cores, each on two ffmpeg threads.
    concurrency: Math.max(1, Math.floor(availableParallelism() / 2)),
    threads: 2,
    keepMs: env().DEMO_CONTENT_TTL_MS + 3600 * 1000,
    schedule: afterAnswer,
    log: logEvent,
  });
}

function gateway(): DemoGateway {
  instance ??= createDemoGateway({
    store: dbDemoStore(getDb),
    apiKey: env().DEMO_GATEWAY_KEY,
    stepMs: env().DEMO_STEP_MS,
    linkTtlMs: env().DEMO_CONTENT_TTL_MS,
    media: { allow: isOwnMediaUrl },
    dialect: env().DEMO_GATEWAY_DIALECT,
    maxRunning: env().DEMO_GATEWAY_MAX_RUNNING,
    onCreate: env().DEMO_GATEWAY_MAX_RUNNING === undefined ? undefined : recordCreate,
    renderer: renderer(),
  });
  return instance;
}

function mounted(): boolean {
  return !env().VIDEO_API_KEY;
}

const notMounted = () => contentError(404, "Not found.", "not_found");

/** What the route handlers call. */
export const demoGateway: DemoGateway = {
  create: (request) => (mounted() ? gateway().create(request) : Promise.resolve(notMounted())),
  retrieve: (request, id) =>
    mounted() ? gateway().retrieve(request, id) : Promise.resolve(notMounted()),
  content: (request, id) =>
    mounted() ? gateway().content(request, id) : Promise.resolve(notMounted()),
  file: (request, id) => (mounted() ? gateway().file(request, id) : Promise.resolve(notMounted())),
};
