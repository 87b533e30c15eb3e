"use client";

import dynamic from "next/dynamic";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useRef, useState, useTransition } from "react";
import type { AdvancedState } from "@/lib/model-options";
import { noticeKey } from "@/lib/notify/notices";
import { checkVideoRequest } from "@/lib/request-check";
import {
  clipDurationProblem,
  durationNote,
  estimateCost,
  type FieldErrors,
  formatUsd,
  type MediaKind,
  mediaKinds,
  type PriceRates,
  promptProblem,
  SECONDS_DEFAULT,
  SIZE_DEFAULT,
  type SubmitVideoResult,
  slotBlockReason,
  TAKES_DEFAULT,
  type VideoSize,
} from "@/lib/request-rules";
import { rememberStarted } from "../notify/browser-state";
import { AdvancedFields } from "./advanced-fields";
import type { CancelVideo } from "./cancel-task-button";
import { DurationField } from "./duration-field";
import { GenerateButton } from "./generate-button";
import { MediaSlot } from "./media-slot";
import { PromptField } from "./prompt-field";
import { ResolutionField } from "./resolution-field";
import { forgetSubmission, submissionKey } from "./submission-key";
import { TakesField } from "./takes-field";
import type { UploadMode } from "./upload";
import { useAdvancedSettings } from "./use-advanced-settings";
import { type StoredMedia, useMediaSlots } from "./use-media-slots";

/**
 * What the task panels show while their code loads: the panel's own first words. They (and
 * react-query, which they poll with) load only once there is a task to show, so the empty
 * studio does not ship them.
 */
function LoadingTask() {
  return (
    <p role="status" className="text-ink-soft text-sm">
      Loading the task…
    </p>
  );
}
const TaskPanel = dynamic(() => import("./task-panel").then((module) => module.TaskPanel), {
  loading: LoadingTask,
});
const TakePanels = dynamic(() => import("./take-panels").then((module) => module.TakePanels), {
  loading: LoadingTask,
});

const hints = {
  first_frame: "The opening image. Alone, or with a last frame and/or a voice track.",
  last_frame: "Where the video should end. Needs a first frame or a first clip.",
  first_clip: "A short video (2–10 s) to continue from, instead of a first frame.",
  driving_audio: "A voice or music track (2–30 s) the first frame moves to.",
} as const;

type Failure = Extract<SubmitVideoResult, { ok: false }>["error"];

/** A starting point for the form, e.g. the settings and media of a task being remixed. */
export interface StudioInitial {
  media: Partial<Record<MediaKind, StoredMedia>>;
  seconds: number;
  size: VideoSize;
  prompt: string;
  /** The Advanced section's options (a remix: the task's, its seed only for "Use this seed"). */
  advanced?: AdvancedState;
  /** How many takes (a remix of a take set: the set's count). */
  takes?: number;
}

interface StudioProps {
  pollMs: number;
  initial?: StudioInitial;
  /** The `submitVideo` server action, passed down by the page (components don't import app/). */
  submit: (input: unknown, idempotencyKey?: string) => Promise<SubmitVideoResult>;
  /** The `cancelVideo` server action: Cancel on a video waiting in our queue. */
  cancelVideo?: CancelVideo;
  /** Per-second prices by resolution, for the estimate shown before Generate. */
  rates: PriceRates;
  /** A setup problem to show before anyone submits (e.g. media the gateway cannot reach). */
  setupWarning?: string;
  /** Straight to the bucket (S3) or through our upload route (local disk). */
  uploadMode: UploadMode;
  /** The gateway refuses a create without a prompt (a setting, or learned from a refusal). */
  promptRequired?: boolean;
  /** The take set shown on the right (`?set=`), with its takes' ids in take order. */
  takeSet?: { id: string; taskIds: string[] };
}

export function Studio({
  pollMs,
  initial,
  submit,
  cancelVideo,
  rates,
  setupWarning,
  uploadMode,
  promptRequired = false,
  takeSet,
}: StudioProps) {
  const router = useRouter();
  const pathname = usePathname();
  const taskId = useSearchParams().get("task");
  const { slots, chosen, uploading, media, warnings, add, clear, refuse } = useMediaSlots(
    uploadMode,
    initial?.media,
  );
  const [secondsText, setSecondsText] = useState(String(initial?.seconds ?? SECONDS_DEFAULT));
  const [size, setSize] = useState<VideoSize>(initial?.size ?? SIZE_DEFAULT);
  const [prompt, setPrompt] = useState(initial?.prompt ?? "");
  const [takes, setTakes] = useState(initial?.takes ?? TAKES_DEFAULT);
  const [failure, setFailure] = useState<Failure | null>(null);
  const advanced = useAdvancedSettings(initial?.advanced);
  /** The gateway just refused a create for lack of a prompt: ask for one from now on. */
  const [learnedPromptRequired, setLearnedPromptRequired] = useState(false);
  /** The submission just sent turned out to be a repeat of this task. */
  const [repeatOf, setRepeatOf] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const sending = useRef(false);

  const seconds = secondsText.trim() === "" ? Number.NaN : Number(secondsText);
  const input = { media, seconds, size, prompt, ...advanced.request, takes };
  // Cheap enough to run on every render: the rulebook's checks, held by a test to the very
  // verdicts and sentences of the schema the server action parses with (no zod shipped).
  const parsed = checkVideoRequest(input);
  const fieldErrors: FieldErrors = parsed.success ? {} : parsed.fieldErrors;
  const readyProbe = (kind: "first_clip" | "driving_audio") => {
    const slot = slots[kind];
    return slot.status === "ready" ? slot.media.probe.durationSeconds : undefined;
  };
  const clipProblem = clipDurationProblem(seconds, readyProbe("first_clip"));
  const needsPrompt = promptRequired || learnedPromptRequired;
  const promptMissing = parsed.success ? promptProblem(parsed.data.prompt, needsPrompt) : null;
  const note = durationNote(seconds, {
    audioSeconds: readyProbe("driving_audio"),
    clipSeconds: readyProbe("first_clip"),
  });

  const blockedReason = uploading
    ? "Waiting for the uploads to finish."
    : parsed.success
      ? (clipProblem ?? promptMissing)
      : (advanced.explain(parsed.issues[0]) ?? "Check the form.");

  function send(fresh: boolean) {
    if (!parsed.success || blockedReason || sending.current) return;
    const request = parsed.data;
    if (fresh) forgetSubmission(request);
    const idempotencyKey = submissionKey(request);
    sending.current = true;
    setFailure(null);
    setRepeatOf(null);
    startTransition(async () => {
      try {
        const result = await submit(request, idempotencyKey);
        if (result.ok) {
          if (result.duplicate) setRepeatOf(result.taskId);
          // Announced when it finishes, in whichever tab of this browser is open then.
          rememberStarted(noticeKey(result));
          const query = new URLSearchParams({ task: result.taskId });
          if (result.takeSetId) query.set("set", result.takeSetId);
          router.push(`${pathname}?${query}`, { scroll: false });
        } else {
          if (result.error.code === "prompt_required") setLearnedPromptRequired(true);
          setFailure(result.error);
        }
      } catch {
        // The request may have reached the server: the same key makes a retry safe.
        setFailure({
          code: "network",
          message: "Could not reach the server. Check the connection and try again.",
        });
      } finally {
        sending.current = false;
      }
    });
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send(false);
  }

  const cost = estimateCost(seconds, size, rates);

  const serverFieldError = (kind: (typeof mediaKinds)[number]) => failure?.fieldErrors?.[kind]?.[0];

  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      {setupWarning ? (
        <p
          role="alert"
          className="bg-warning-soft text-warning rounded-md px-3 py-2 text-sm lg:col-span-2"
        >
          {setupWarning}
        </p>
      ) : null}
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6" aria-label="New video">
        <section aria-labelledby="inputs-heading" className="flex flex-col gap-3">
          <h2
            id="inputs-heading"
            className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
          >
            Inputs
          </h2>
          <div className="grid gap-3 sm:grid-cols-2">
            {mediaKinds.map((kind) => (
              <MediaSlot
                key={kind}
                kind={kind}
                slot={slots[kind]}
                blockedReason={slotBlockReason(kind, chosen)}
                fieldError={
                  serverFieldError(kind) ?? (media.length > 0 ? fieldErrors[kind]?.[0] : undefined)
                }
                warning={warnings[kind]}
                hint={hints[kind]}
                onFile={add}
                onRefuse={refuse}
                onClear={clear}
              />
            ))}
          </div>
        </section>

        <section aria-labelledby="settings-heading" className="flex flex-col gap-4">
          <h2
            id="settings-heading"
            className="text-ink-soft text-sm font-semibold tracking-wide uppercase"
          >
            Settings
          </h2>
          <div className="grid gap-4 sm:grid-cols-2">
            <DurationField
              value={secondsText}
              onChange={setSecondsText}
              error={fieldErrors.seconds?.[0] ?? clipProblem ?? undefined}
              note={note ?? undefined}
            />
            <ResolutionField value={size} onChange={setSize} />
            <TakesField value={takes} onChange={setTakes} />
          </div>
          <PromptField
            value={prompt}
            onChange={setPrompt}
            required={needsPrompt}
            error={fieldErrors.prompt?.[0]}
          />
          <AdvancedFields
            advanced={advanced}
            errors={fieldErrors}
            serverErrors={failure?.fieldErrors}
          />
        </section>

        <div className="flex flex-col gap-2">
          <p className="text-ink-soft text-sm">
            Estimated cost:{" "}
            {takes > 1 ? (
              // Each take is a video of its own, billed as one.
              <span className="tabular-nums">
                {takes} × {formatUsd(cost)} ={" "}
              </span>
            ) : null}
            <strong className="text-ink tabular-nums">{formatUsd(takes * cost)}</strong>
            {Number.isFinite(seconds) ? (
              <span className="text-ink-faint">
                {" "}
                ({seconds} s × {formatUsd(rates[size])}/s at {size})
              </span>
            ) : null}
          </p>
          <GenerateButton pending={pending} blockedReason={blockedReason} />
          {repeatOf ? (
            <div
              role="status"
              className="bg-accent-soft flex flex-wrap items-center gap-3 rounded-md px-3 py-2 text-sm"
            >
              <span>
                This exact video was already submitted a moment ago; it is shown on the right.
              </span>
              <button
                type="button"
                onClick={() => send(true)}
                className="text-accent-strong font-medium underline"
              >
                Generate another take
              </button>
            </div>
          ) : null}
          {failure ? (
            <p role="alert" className="bg-danger-soft text-danger rounded-md px-3 py-2 text-sm">
              {failure.message}
            </p>
          ) : null}
        </div>
      </form>

      <aside
        aria-label="Result"
        className="border-ink/10 bg-paper-raised flex flex-col gap-4 rounded-xl border p-5 shadow-sm lg:sticky lg:top-6 lg:self-start"
      >
        {takeSet && takeSet.taskIds.length > 0 ? (
          <TakePanels
            key={takeSet.id}
            takeSet={takeSet}
            pollMs={pollMs}
            cancelVideo={cancelVideo}
          />
        ) : taskId ? (
          <TaskPanel
            key={taskId}
            taskId={taskId}
            pollMs={pollMs}
            withLinks
            cancelVideo={cancelVideo}
          />
        ) : (
          <p className="text-ink-soft text-sm">
            Your video appears here. Drop a first frame (or a first clip), choose a duration and
            press Generate.
          </p>
        )}
      </aside>
    </div>
  );
}
