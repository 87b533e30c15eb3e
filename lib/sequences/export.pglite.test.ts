import { execFileSync } from "node:child_process";
import { createReadStream, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_FPS, renderDemoVideo } from "@/lib/gateway/demo/render";
import { probe } from "@/lib/gateway/demo/render.test-helpers";
import { cutTail } from "@/lib/media/clips";

// The export job on the embedded database: a real 2-shot sequence (a demo render and its
// continuation from its last 2 s), exported in the background; the film is kept in storage,
// its `export_ready` event written for the member who asked, and a changed sequence makes the
// film out of date.

const fontFile = path.join(process.cwd(), "lib/gateway/demo/assets/demo-caption-font.ttf");
const SECONDS = 4;
const CLIP = 2;
let tmp = "";
let exportLib: typeof import("./export");
let runner: typeof import("@/lib/jobs/runner");
let schema: typeof import("@/lib/db/schema");
let feed: typeof import("@/lib/notify/feed");
let storage: import("@/lib/storage").Storage;
let db: import("@/lib/db/client").Db;
const ann = { id: "ann@studio.test", name: "Ann" };
const annMember = { ...ann, email: ann.id, isAdmin: false };
const bob = { id: "bob@studio.test", email: "bob@studio.test", name: "Bob", isAdmin: false };
/** The sequence the first test makes and exports, shared by the second. */
let sequenceId = "";

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "wan-export-"));
  process.env.DATA_DIR = tmp;
  process.env.DATABASE_URL = "";
  process.env.SWEEP_INTERVAL_MS = "0";
  process.env.WEBHOOK_URLS = "";
  db = await (await import("@/lib/db/client")).getDb();
  schema = await import("@/lib/db/schema");
  storage = (await import("@/lib/storage")).getStorage();
  runner = await import("@/lib/jobs/runner");
  exportLib = await import("./export");
  feed = await import("@/lib/notify/feed");
}, 120_000);

afterAll(() => rm(tmp, { recursive: true, force: true }));

async function keep(taskId: string, file: string) {
  const key = `results/${taskId}.mp4`;
  await storage.put(key, createReadStream(file));
  return key;
}

describe("sequence export (embedded database)", () => {
  it("exports a 2-shot sequence in the background, keeps it, and tells whoever asked", async () => {
    const a = path.join(tmp, "a.mp4");
    const b = path.join(tmp, "b.mp4");
    const still = path.join(tmp, "still.png");
    writeFileSync(still, Buffer.alloc(0));
    execFileSync("ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=1", "-frames:v", "1"],
      ...["-y", still],
    ]);
    await renderDemoVideo({ firstFrame: still }, { seconds: SECONDS, size: "720P" }, a, {
      fontFile,
    });
    const clip = await cutTail(a, CLIP, tmp, "clip.mp4");
    await renderDemoVideo({ firstClip: clip.file }, { seconds: SECONDS, size: "720P" }, b, {
      fontFile,
    });
    const tag = Date.now().toString(36);
    const [first, second] = [`ta_${tag}`, `tb_${tag}`];
    const row = (id: string, extra: Record<string, unknown>) => ({
      id,
      ownerId: ann.id,
      status: "completed" as const,
      seconds: SECONDS,
      size: "720P" as const,
      media: [],
      resultSeconds: SECONDS,
      completedAt: new Date(),
      ...extra,
    });
    await db.insert(schema.tasks).values([
      row(first, { prompt: "The lighthouse at dusk", resultKey: await keep(first, a) }),
      row(second, {
        prompt: "On",
        resultKey: await keep(second, b),
        parentTaskId: first,
        parentCut: { fromSeconds: SECONDS - CLIP, toSeconds: SECONDS },
      }),
    ]);
    sequenceId = `seq_${tag}`;
    await db.insert(schema.sequences).values({ id: sequenceId, ownerId: ann.id });
    await db.insert(schema.sequenceShots).values([
      { sequenceId, position: 0, taskId: first },
      { sequenceId, position: 1, taskId: second },
    ]);

    const since = Date.now() - 1000;
    const job = await exportLib.startExport(sequenceId, ann);
    expect(job).toMatchObject({ kind: exportLib.EXPORT_JOB, ownerId: ann.id });
    // Asked twice for the same version: the same job.
    expect((await exportLib.startExport(sequenceId, ann))?.id).toBe(job?.id);
    let state = await exportLib.exportState(sequenceId, ann);
    for (let i = 0; i < 600 && state.latest?.status !== "done"; i++) {
      if (state.latest?.status === "failed") break;
      await runner.runDueJobs({ kinds: [exportLib.EXPORT_JOB] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await exportLib.exportState(sequenceId, ann);
    }
    expect(state.latest).toMatchObject({ status: "done", progress: 1, mine: true });
    expect(state.ready).toMatchObject({ shots: 2, version: state.version });
    expect(state.ready?.seconds).toBeCloseTo(SECONDS + (SECONDS - CLIP), 2);
    expect(state.ready).not.toHaveProperty("key");

    // The film in storage: what the two shots add, ± one frame for the cut.
    const kept = await exportLib.readyExport(sequenceId);
    const stored = await storage.get(kept?.key ?? "");
    const film = path.join(tmp, "film.mp4");
    const chunks: Buffer[] = [];
    for await (const chunk of Readable.from(stored?.body ?? [])) chunks.push(chunk as Buffer);
    writeFileSync(film, Buffer.concat(chunks));
    const probed = probe(film);
    expect(Math.abs(probed.video.frames - (2 * SECONDS - CLIP) * DEMO_FPS)).toBeLessThanOrEqual(1);
    expect(probed.audio?.codec).toBe("aac");

    // One export_ready event, Ann's, and her in-browser notice says so.
    const notices = await feed.doneNotices(ann.id, since);
    expect(notices).toEqual([
      expect.objectContaining({
        key: `export:${sequenceId}:${state.version}`,
        kind: "completed",
        title: "Export ready: The lighthouse at dusk",
        body: "2 shots · 6 s",
        url: `/sequences/${sequenceId}`,
      }),
    ]);
    expect(await feed.doneNotices("bob@studio.test", since)).toEqual([]);

    // A shot changes: the film it has is out of date, and a new export is a new job.
    await db.insert(schema.tasks).values(
      row(`tc_${tag}`, {
        resultKey: await keep(`tc_${tag}`, b),
        parentTaskId: first,
        parentCut: { fromSeconds: SECONDS - CLIP, toSeconds: SECONDS },
      }),
    );
    const { and, eq } = await import("drizzle-orm");
    await db
      .update(schema.sequenceShots)
      .set({ taskId: `tc_${tag}` })
      .where(
        and(eq(schema.sequenceShots.sequenceId, sequenceId), eq(schema.sequenceShots.position, 1)),
      );
    state = await exportLib.exportState(sequenceId, ann);
    expect(state.version).not.toBe(state.ready?.version);
    const again = await exportLib.startExport(sequenceId, ann);
    expect(again?.id).not.toBe(job?.id);
  }, 240_000);

  it("shares the film through a public link: the newest export, no comments, in the next export's event", async () => {
    expect(sequenceId).not.toBe("");
    const review = await import("@/lib/review");
    const { liveShareUrl } = await import("@/lib/review/shares");
    const { and, desc, eq } = await import("drizzle-orm");

    // Nothing to share before a film exists, and nothing for a sequence that does not.
    const bare = `seq_bare_${Date.now().toString(36)}`;
    await db.insert(schema.sequences).values({ id: bare, ownerId: ann.id });
    for (const id of [bare, "seq_missing_000"]) {
      await expect(
        review.createShareLink({ kind: "sequence_export", id }, { days: 7 }, annMember),
      ).rejects.toMatchObject({ code: "not_shareable" });
    }

    const made = await review.createShareLink(
      { kind: "sequence_export", id: sequenceId },
      { days: 7, showSettings: true, allowComments: true },
      bob,
    );
    // A film's link never takes comments (they belong to its shots' videos).
    expect(made.link).toMatchObject({ targetKind: "sequence_export", allowComments: false });
    const opened = await review.openShare(made.token, "client-film");
    expect(opened.found).toBe(true);
    if (!opened.found) return;
    const kept = await exportLib.readyExport(sequenceId);
    expect(opened.shared).toMatchObject({ task: null, settings: null, allowComments: false });
    expect(opened.shared.film).toMatchObject({ sequenceId, key: kept?.key, shots: 2 });
    await expect(
      review.addViewerComment(opened.shared, { body: "Lovely", name: "Viewer" }),
    ).rejects.toMatchObject({ code: "comments_closed" });
    // Listed with the sequence's links, not a video's.
    expect((await review.shareLinksFor({ kind: "sequence_export", id: sequenceId })).length).toBe(
      1,
    );
    expect(await review.shareLinksFor(sequenceId)).toEqual([]);

    // The export the first test started again (a shot changed) carries the link in its event.
    const url = await liveShareUrl(
      db,
      { kind: "sequence_export", id: sequenceId },
      "https://s.test",
    );
    expect(url).toBe(`https://s.test/s/${made.token}`);
    let state = await exportLib.exportState(sequenceId, ann);
    for (let i = 0; i < 600 && state.latest?.status !== "done"; i++) {
      if (state.latest?.status === "failed") break;
      await runner.runDueJobs({ kinds: [exportLib.EXPORT_JOB] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await exportLib.exportState(sequenceId, ann);
    }
    expect(state.ready?.version).toBe(state.version);
    const [event] = await db
      .select()
      .from(schema.outboxEvents)
      .where(
        and(
          eq(schema.outboxEvents.sequenceId, sequenceId),
          eq(schema.outboxEvents.type, "export_ready"),
        ),
      )
      .orderBy(desc(schema.outboxEvents.createdAt))
      .limit(1);
    const body = JSON.parse(event?.body ?? "{}");
    expect(body.data.sequence.version).toBe(state.version);
    expect(body.data.links.share).toMatch(new RegExp(`/s/${made.token}$`));
    // The link follows the newest film.
    const reopened = await review.openShare(made.token, "client-film");
    expect(reopened.found && reopened.shared.film?.version).toBe(state.version);

    // Revoked by the sequence's maker: gone, like a wrong token.
    await review.revokeShareLink(made.link.id, annMember);
    expect((await review.openShare(made.token, "client-film")).found).toBe(false);
  }, 240_000);

  it("rebuilds a changed sequence's film once it is whole again, for whoever exported it last", async () => {
    const { and, eq, ne } = await import("drizzle-orm");
    // Nothing changed since its newest film: nothing to rebuild.
    expect(await exportLib.rebuildChangedExports()).toEqual({ started: 0 });

    const plan = await (await import("./export-plan")).exportPlan(sequenceId);
    const [firstShot, secondShot] = plan?.shots ?? [];
    const [otherTake] = await db
      .select()
      .from(schema.tasks)
      .where(
        and(
          eq(schema.tasks.parentTaskId, firstShot.taskId),
          ne(schema.tasks.id, secondShot.taskId),
        ),
      )
      .limit(1);
    const setShot = async (taskId: string) => {
      await db
        .update(schema.sequenceShots)
        .set({ taskId })
        .where(
          and(
            eq(schema.sequenceShots.sequenceId, sequenceId),
            eq(schema.sequenceShots.position, 1),
          ),
        );
      await db
        .update(schema.sequences)
        .set({ updatedAt: new Date() })
        .where(eq(schema.sequences.id, sequenceId));
    };

    // A shot whose clip did not come from the shot before it (out of date): not yet.
    const stray = `td_${Date.now().toString(36)}`;
    await db.insert(schema.tasks).values({
      ...otherTake,
      id: stray,
      parentTaskId: "someone-else",
      idempotencyKey: null,
      takeSetId: null,
    });
    await setShot(stray);
    expect(await exportLib.rebuildChangedExports()).toEqual({ started: 0 });

    // Replaced with a new take of the same parent: whole again, rebuilt once, for Ann.
    const fresh = `te_${Date.now().toString(36)}`;
    await db.insert(schema.tasks).values({
      ...otherTake,
      id: fresh,
      idempotencyKey: null,
      takeSetId: null,
    });
    await setShot(fresh);
    expect(await exportLib.rebuildChangedExports()).toEqual({ started: 1 });
    expect(await exportLib.rebuildChangedExports()).toEqual({ started: 0 });
    const state = await exportLib.exportState(sequenceId, ann);
    expect(state.latest).toMatchObject({ version: state.version, mine: true });
    expect(state.latest?.status === "pending" || state.latest?.status === "running").toBe(true);
  }, 120_000);
});
