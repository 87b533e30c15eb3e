import { Studio, type StudioInitial } from "@/components/studio/studio";
import { requirePageUser } from "@/lib/auth/session";
import { env, gatewayConfig, priceRates } from "@/lib/env";
import { unreachableMediaWarning } from "@/lib/media/reachability";
import { gatewayMediaOrigin } from "@/lib/media/urls";
import { advancedFromTask } from "@/lib/model-options";
import { getStorage, isDirectStorage } from "@/lib/storage";
import { signMediaUrl } from "@/lib/storage/signing";
import { loadRemixSet, takesOfSet } from "@/lib/takes";
import { loadRemix } from "@/lib/tasks";
import { promptRequired } from "@/lib/tasks/gateway-facts";
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

function toInitial(
  remix: NonNullable<Awaited<ReturnType<typeof loadRemix>>>,
  keepSeed: boolean,
): StudioInitial {
  const media: StudioInitial["media"] = {};
  for (const row of remix.media) {
    media[row.kind] = {
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
  const { remix, seed, remixSet, set } = await searchParams;
  const remixSetId = typeof remixSet === "string" ? remixSet : undefined;
  const remixId = typeof remix === "string" ? remix : undefined;
  // "Use this seed" (`?remix=<id>&seed=keep`): the same take again, unless settings change.
  const keepSeed = Boolean(remixId) && seed === "keep";
  await requirePageUser(
    remixId
      ? `/?${new URLSearchParams({ remix: remixId, ...(keepSeed ? { seed: "keep" } : {}) })}`
      : remixSetId
        ? `/?${new URLSearchParams({ remixSet: remixSetId })}`
        : "/",
  );
  const [initial, warning, needsPrompt, takeSet] = await Promise.all([
    remixSetId ? remixSetInitial(remixSetId) : remixInitial(remixId, keepSeed),
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
