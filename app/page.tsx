import { Suspense } from "react";
import { Studio, type StudioInitial } from "@/components/studio/studio";
import { requirePageUser } from "@/lib/auth/session";
import { env, gatewayConfig, priceRates } from "@/lib/env";
import { unreachableMediaWarning } from "@/lib/media/reachability";
import { gatewayMediaOrigin } from "@/lib/media/urls";
import { advancedFromTask } from "@/lib/model-options";
import { getStorage, isDirectStorage } from "@/lib/storage";
import { signMediaUrl } from "@/lib/storage/signing";
import { loadRemix } from "@/lib/tasks";
import { promptRequired } from "@/lib/tasks/gateway-facts";
import { cancelVideo, submitVideo } from "./actions";

// Settings are read at request time, so one build runs in demo mode or against a gateway.
export const dynamic = "force-dynamic";

/**
 * The studio prefilled from a past task: same media (no re-upload), same settings and options;
 * the seed fixed only for "Use this seed" (`keepSeed`), Random otherwise.
 */
async function remixInitial(
  taskId: string | undefined,
  keepSeed: boolean,
): Promise<StudioInitial | undefined> {
  if (!taskId || !/^[A-Za-z0-9_-]{6,64}$/.test(taskId)) return undefined;
  const remix = await loadRemix(taskId);
  if (!remix) return undefined;
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
  const { remix, seed } = await searchParams;
  const remixId = typeof remix === "string" ? remix : undefined;
  // "Use this seed" (`?remix=<id>&seed=keep`): the same take again, unless settings change.
  const keepSeed = Boolean(remixId) && seed === "keep";
  await requirePageUser(
    remixId
      ? `/?${new URLSearchParams({ remix: remixId, ...(keepSeed ? { seed: "keep" } : {}) })}`
      : "/",
  );
  const [initial, warning, needsPrompt] = await Promise.all([
    remixInitial(remixId, keepSeed),
    setupWarning(),
    promptRequired(),
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
      {remixId && !initial ? (
        <p role="alert" className="bg-warning-soft text-warning rounded-md px-3 py-2 text-sm">
          That video could not be found to remix; start from scratch below.
        </p>
      ) : null}
      {keepSeed && initial?.advanced?.randomSeed ? (
        <p role="status" className="bg-warning-soft text-warning rounded-md px-3 py-2 text-sm">
          That video has no recorded seed, so the seed below is Random.
        </p>
      ) : null}
      <Suspense>
        <Studio
          key={remixId ? `${remixId}${keepSeed ? ":seed" : ""}` : "new"}
          pollMs={Math.min(env().POLL_INTERVAL_MS, 5000)}
          initial={initial}
          submit={submitVideo}
          cancelVideo={cancelVideo}
          rates={priceRates()}
          uploadMode={isDirectStorage(getStorage()) ? "direct" : "stream"}
          setupWarning={warning}
          promptRequired={needsPrompt}
        />
      </Suspense>
    </main>
  );
}
