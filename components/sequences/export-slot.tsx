"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { exportNoticeKey } from "@/lib/notify/notices";
import type { ExportState } from "@/lib/sequences/export-view";
import { ApiError, fetchJson } from "../fetch-json";
import { rememberStarted } from "../notify/browser-state";
import { useSeenWhenVisible } from "../notify/use-seen";
import { useTabQueryClient } from "../query-client";

/** How often the export's progress is asked for while it runs. */
const EXPORT_POLL_MS = 1000;
/** How often an out-of-date film is looked at while the server may be rebuilding it. */
const REBUILD_POLL_MS = 3000;

const button =
  "bg-accent text-paper hover:bg-accent-strong rounded-md px-4 py-2 text-sm font-semibold disabled:opacity-60";

/**
 * The sequence page's export (issue 10, Export): an Export button; while the film is stitched
 * in the background, a progress bar and a live status line; then the film in a player with a
 * Download. When the sequence changed since (its `version` moved on), the film it has is shown
 * as out of date with "Export again". Progress without animation (globals.css drops
 * transitions for reduced motion).
 */
export function SequenceExportSlot({
  sequenceId,
  version,
  pageHasFilm = true,
}: {
  sequenceId: string;
  /** The sequence's version as the page rendered it. */
  version: string;
  /** Whether the page was drawn with a finished film (it then offers to share it). */
  pageHasFilm?: boolean;
}) {
  const router = useRouter();
  const headingId = useId();
  const base = `/api/sequences/${encodeURIComponent(sequenceId)}/export`;
  const [message, setMessage] = useState("");
  const [starting, setStarting] = useState(false);
  const state = useQuery(
    {
      // The page renders again with a new version when a shot changes (a replace, a re-roll):
      // ask again then, or a finished film would still read as current. The answer on screen
      // stays until the new one comes.
      queryKey: ["sequence-export", sequenceId, version],
      placeholderData: (previous) => previous,
      queryFn: () => fetchJson<ExportState>(`${base}/status`, { cache: "no-store" }),
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status === 404) && failures < 3,
      refetchInterval: (query) => {
        const data = query.state.data;
        const latest = data?.latest;
        if (latest && (latest.status === "pending" || latest.status === "running")) {
          return EXPORT_POLL_MS;
        }
        // A film of an older version while the sequence is whole again: the server rebuilds
        // it on its own (lib/sequences/export.ts rebuildChangedExports), so look now and then.
        return data?.ready && data.version && data.ready.version !== data.version
          ? REBUILD_POLL_MS
          : false;
      },
    },
    useTabQueryClient(),
  );
  const data = state.data;
  const current = data?.version ?? version;
  const latest = data?.latest ?? null;
  const running = latest !== null && (latest.status === "pending" || latest.status === "running");
  const ready = data?.ready ?? null;
  // The first film of the sequence is ready: the page draws again, with its Share panel.
  const firstFilm = ready !== null && !pageHasFilm;
  useEffect(() => {
    if (firstFilm) router.refresh();
  }, [firstFilm, router]);
  const outOfDate = ready !== null && ready.version !== current;
  const failed = latest?.status === "failed" && latest.version === current ? latest.error : null;
  const percent = running ? Math.round((latest?.progress ?? 0) * 100) : 0;
  // This page shows the current version's export: no "Export ready" toast for it here, and
  // once it is ready and looked at, no tab announces it.
  useSeenWhenVisible(
    data?.version ? exportNoticeKey(sequenceId, data.version) : null,
    ready !== null && !outOfDate,
  );

  const start = async () => {
    setMessage("");
    setStarting(true);
    try {
      const started = await fetchJson<{ jobId: string; version: string }>(base, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
      // Announced when it is ready, in whichever tab of this browser is open then.
      rememberStarted(exportNoticeKey(sequenceId, started.version));
      await state.refetch();
    } catch (error) {
      setMessage(
        error instanceof ApiError
          ? error.message
          : "The export could not be started. Please try again.",
      );
    } finally {
      setStarting(false);
    }
  };

  // Nothing whole to export (a shot without a kept video): as the page rendered it, then as
  // the server says.
  const canExport = data ? data.version !== null : version !== "";
  const label = ready || failed ? "Export again" : "Export";
  const film = ready ? `${base}?v=${encodeURIComponent(ready.version)}` : null;

  return (
    <section
      aria-labelledby={headingId}
      className="border-ink/10 bg-paper-raised flex flex-col gap-3 rounded-xl border p-5 shadow-sm"
    >
      <h2 id={headingId} className="text-ink-soft text-sm font-semibold tracking-wide uppercase">
        Export
      </h2>
      {running ? (
        <progress
          aria-label="Export progress"
          max={100}
          value={percent}
          className="accent-accent h-2 w-full"
        />
      ) : null}
      <p role="status" aria-live="polite" className="text-sm">
        {running
          ? `Exporting the sequence… ${percent} %`
          : starting
            ? "Starting the export…"
            : outOfDate
              ? "This export is out of date: a shot changed since it was made."
              : ready
                ? `Export ready: ${ready.shots} shots, ${ready.seconds.toFixed(1)} s.`
                : ""}
      </p>
      {failed || message ? <p className="text-danger text-sm">{message || failed}</p> : null}
      {film && ready ? (
        <div className="flex flex-col gap-3">
          {/* biome-ignore lint/a11y/useMediaCaption: generated footage has no speech track to caption */}
          <video
            controls
            playsInline
            preload="metadata"
            src={film}
            aria-label="Exported sequence"
            className="bg-ink aspect-video w-full rounded-lg"
          />
          <div className="flex items-center justify-end">
            <a
              href={`${base}?download&v=${encodeURIComponent(ready.version)}`}
              download
              className="border-accent text-accent hover:bg-accent-soft rounded-md border px-3 py-1.5 text-sm font-medium"
            >
              Download
            </a>
          </div>
        </div>
      ) : null}
      {!ready || outOfDate || failed ? (
        <div>
          <button
            type="button"
            className={button}
            disabled={running || starting || !canExport}
            onClick={() => void start()}
          >
            {label}
          </button>
        </div>
      ) : null}
      {!canExport ? (
        <p className="text-ink-soft text-xs">
          Every shot needs a finished video before the sequence can be exported.
        </p>
      ) : null}
    </section>
  );
}
