import { Studio, type StudioInitial } from "@/components/studio/studio";
import { requirePageUser } from "@/lib/auth/session";
import type { CurrentUser } from "@/lib/auth/user";
import type { MediaRow } from "@/lib/db/schema";
import { env, gatewayConfig, priceRates } from "@/lib/env";
import { getMediaRow } from "@/lib/media";
import { unreachableMediaWarning } from "@/lib/media/reachability";
import { gatewayMediaOrigin } from "@/lib/media/urls";
import { advancedFromTask } from "@/lib/model-options";
import { getStorage, isDirectStorage } from "@/lib/storage";
import { signMediaUrl } from "@/lib/storage/signing";
import { loadRemixSet, takesOfSet } from "@/lib/takes";
import { getTaskRow, loadRemix, usableMedia } from "@/lib/tasks";
import { CONTINUE_SECONDS_DEFAULT, continuationSeconds } from "@/lib/tasks/frames";
import { promptRequired } from "@/lib/tasks/gateway-facts";
import { SECONDS_DEFAULT } from "@/lib/video-request";
import { cancelVideo, submitVideo } from "./actions";

// Settings are read at request time, so one build runs in demo mode or against a gateway.
export const dynamic = "force-dynamic";

const ID = /^[A-Za-z0-9_-]{6,64}$/;

/**
 * The studio prefilled from a past task: same media (no re-upload), same settings and options;
 * the seed fixed only for "Use this seed" (`keepSeed`), Random otherwise.
 */
async function remixInitial(
  taskId: string | undefined,
  keepSeed: boolean,
): Promise<StudioInitial | undefined> {
  if (!taskId || !ID.test(taskId)) return undefined;
  const remix = await loadRemix(taskId);
  return remix ? toInitial(remix, keepSeed) : undefined;
}

/**
 * The studio prefilled from a take set: its takes' shared inputs and settings, and as many
 * takes; the seed Random, so the remix is a new set of takes.
 */
async function remixSetInitial(setId: string | undefined): Promise<StudioInitial | undefined> {
  if (!setId || !ID.test(setId)) return undefined;
  const remix = await loadRemixSet(setId);
  return remix ? { ...toInitial(remix, false), takes: remix.takes } : undefined;
}

/** The take set shown beside the form after a Generate of several takes (`?set=`). */
async function shownTakeSet(setId: string | undefined) {
  if (!setId || !ID.test(setId)) return undefined;
  const takes = await takesOfSet(setId);
  return { id: setId, taskIds: takes.map((take) => take.id) };
}

/**
 * The studio with something taken from a video in its slot: a frame ("Use last frame" …,
 * `?frame=<mediaId>`), in the tier that fits it; or the end of a video ("Continue",
 * `?clip=<mediaId>`) as the First clip, with the video's size and prompt and a length that
 * adds at least 2 s to the clip.
 */
async function takenInitial(
  mediaId: string | undefined,
  user: CurrentUser,
): Promise<StudioInitial | undefined> {
  if (!mediaId) return undefined;
  const row = await getMediaRow(mediaId);
  if (!row) return undefined;
  const [usable] = await usableMedia([row], user);
  if (!usable) return undefined;
  const media = { [row.kind]: storedMedia(row) };
  if (row.kind === "first_clip") {
    const parent = row.derivedFrom ? await getTaskRow(row.derivedFrom.taskId) : undefined;
    return {
      media,
      seconds: continuationSeconds(
        parent?.seconds ?? SECONDS_DEFAULT,
        row.probe.durationSeconds ?? CONTINUE_SECONDS_DEFAULT,
      ),
      size: parent?.size ?? "720P",
      prompt: parent?.prompt ?? "",
    };
  }
  if (row.kind !== "first_frame" && row.kind !== "last_frame") return undefined;
  const short = Math.min(row.probe.width ?? 0, row.probe.height ?? 0);
  return { media, seconds: SECONDS_DEFAULT, size: short >= 1080 ? "1080P" : "720P", prompt: "" };
}

/** A stored file as a studio slot holds it. */
function storedMedia(row: MediaRow): NonNullable<StudioInitial["media"][MediaRow["kind"]]> {
  return {
    id: row.id,
    kind: row.kind,
    mimeType: row.mimeType,
    bytes: row.bytes,
    name: row.originalName,
    probe: row.probe,
    // Same-origin, signed for a few hours: enough to preview while editing.
    previewUrl: signMediaUrl("", row.id, { ttlSeconds: 6 * 3600 }),
  };
}

function toInitial(
  remix: NonNullable<Awaited<ReturnType<typeof loadRemix>>>,
  keepSeed: boolean,
): StudioInitial {
  const media: StudioInitial["media"] = {};
  for (const row of remix.media) media[row.kind] = storedMedia(row);
  return {
    media,
    seconds: remix.task.seconds,
    size: remix.task.size,
    prompt: remix.task.prompt ?? "",
    advanced: advancedFromTask(remix.task, keepSeed),
  };
}

/**
 * Said before anyone submits: a real gateway fetches our media itself, and a private address
 * (localhost, 10.x, *.internal…) would fail every task late, after it was paid for.
 */
async function setupWarning(): Promise<string | undefined> {
  if (gatewayConfig().demo) return undefined;
  try {
    return unreachableMediaWarning(await gatewayMediaOrigin(), { demoGateway: false });
  } catch {
    return "Media links for the video gateway cannot be signed: check the S3 storage settings.";
  }
}

export default async function StudioPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { remix, seed, remixSet, set, frame, clip } = await searchParams;
  // A frame or the end of a video taken from a result (frame=, clip=: a media id).
  const takenParam = typeof frame === "string" ? "frame" : typeof clip === "string" ? "clip" : "";
  const frameId = typeof frame === "string" ? frame : typeof clip === "string" ? clip : undefined;
  const remixSetId = typeof remixSet === "string" ? remixSet : undefined;
  const remixId = typeof remix === "string" ? remix : undefined;
  // "Use this seed" (`?remix=<id>&seed=keep`): the same take again, unless settings change.
  const keepSeed = Boolean(remixId) && seed === "keep";
  const user = await requirePageUser(
    remixId
      ? `/?${new URLSearchParams({ remix: remixId, ...(keepSeed ? { seed: "keep" } : {}) })}`
      : remixSetId
        ? `/?${new URLSearchParams({ remixSet: remixSetId })}`
        : frameId
          ? `/?${new URLSearchParams({ [takenParam]: frameId })}`
          : "/",
  );
  const [initial, warning, needsPrompt, takeSet] = await Promise.all([
    remixSetId
      ? remixSetInitial(remixSetId)
      : remixId
        ? remixInitial(remixId, keepSeed)
        : takenInitial(frameId, user),
    setupWarning(),
    promptRequired(),
    shownTakeSet(typeof set === "string" ? set : undefined),
  ]);
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-8 px-4 py-8 sm:px-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">New video</h1>
        <p className="text-ink-soft text-sm">
          Image-to-video with wan2.7-i2v: start from a first frame or a clip, end on a last frame,
          or let a voice track drive it.
        </p>
      </div>
      {remixId && !remixSetId && !initial ? (
        <p role="alert" className="bg-warning-soft text-warning rounded-md px-3 py-2 text-sm">
          That video could not be found to remix; start from scratch below.
        </p>
      ) : null}
      {frameId && !remixId && !remixSetId && !initial ? (
        <p role="alert" className="bg-warning-soft text-warning rounded-md px-3 py-2 text-sm">
          {takenParam === "clip" ? "That clip" : "That frame"} could not be found; start from
          scratch below.
        </p>
      ) : null}
      {remixSetId && !initial ? (
        <p role="alert" className="bg-warning-soft text-warning rounded-md px-3 py-2 text-sm">
          Those takes could not be found to remix; start from scratch below.
        </p>
      ) : null}
      {keepSeed && initial?.advanced?.randomSeed ? (
        <p role="status" className="bg-warning-soft text-warning rounded-md px-3 py-2 text-sm">
          That video has no recorded seed, so the seed below is Random.
        </p>
      ) : null}
      {/* Not in a Suspense boundary: React would send a boundary this large apart from the
          page and show it only on a later frame, behind the scripts, so the form (the page's
          largest content) would paint late. Nothing in it suspends: its data is read above. */}
      <Studio
        key={
          remixSetId
            ? `set:${remixSetId}`
            : remixId
              ? `${remixId}${keepSeed ? ":seed" : ""}`
              : frameId
                ? `frame:${frameId}`
                : "new"
        }
        pollMs={Math.min(env().POLL_INTERVAL_MS, 5000)}
        initial={initial}
        submit={submitVideo}
        cancelVideo={cancelVideo}
        rates={priceRates()}
        uploadMode={isDirectStorage(getStorage()) ? "direct" : "stream"}
        setupWarning={warning}
        promptRequired={needsPrompt}
        takeSet={takeSet}
      />
    </main>
  );
}
