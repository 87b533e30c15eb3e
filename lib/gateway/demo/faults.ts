import { SEED_MAX } from "@/lib/video-request";

/**
 * Faults the demo gateway can act out, chosen by a marker anywhere in the prompt, so tests
 * (and curious people) can see every failure the real gateway can produce. Type one into the
 * Prompt field. Each answers in the dialect the gateway speaks (DEMO_GATEWAY_DIALECT, see
 * ./dialects): the words below are the documented dialect's, the new-api column where it
 * differs.
 *
 * The create is refused, no task is made:
 *
 * | marker                     | what happens                                                        |
 * | -------------------------- | ------------------------------------------------------------------- |
 * | `[demo-fail:quota]`        | the create answers 402 (shape 1, insufficient quota); new-api: 403 flat `insufficient_user_quota` |
 * | `[demo-fail:rate-limit]`   | the create answers 429 with `Retry-After: 2` (shape 1); new-api: 429 with its fixed Chinese message |
 * | `[demo-fail:rate-limit-empty]` | the create answers 429 with an empty body (a build's global limiter) |
 * | `[demo-fail:unavailable]`  | the create answers 503 (shape 1); new-api: 503 `model_not_found`   |
 *
 * The create is accepted (the task exists and runs) but its answer is lost, so the caller
 * cannot tell: the outcome is unknown.
 *
 * | `[demo-fail:create-500]`   | the task is made, then the create answers 500 (shape 1); new-api: 500 `do_request_failed` |
 * | `[demo-fail:create-hang]`  | the task is made, then the create does not answer until the caller hangs up (at most 60 s, then 504) |
 *
 * The task's ending:
 *
 * | `[demo-fail:moderation]`   | the task runs, then ends `failed`: ali_api_error "DataInspectionFailed: …" (new-api: code DataInspectionFailed, no prefix) |
 * | `[demo-fail:invalid]`      | the task runs, then ends `failed`: ali_api_error "InvalidParameter: …"     |
 * | `[demo-fail:content]`      | the task completes, but `/content` answers 502 and `metadata.url` 403 (expired link) |
 * | `[demo-fail:content-slow]` | `/content` trickles the MP4 over 3 × 60 s, so new-api's 60 s cut ends it; `metadata.url` serves it whole |
 * | `[demo-fail:unknown-forever]` | every retrieve answers status `unknown`, forever                     |
 * | `[demo-fail:stuck]`        | the task reaches `in_progress` 30 % and never moves again            |
 *
 * Passing faults: they last for a window counted from the task's creation, then the gateway
 * answers normally again, so a client that keeps trying sees the task through. The window is
 * an optional argument, `[demo-fail:poll-500:3s]` or `[demo-fail:poll-500:1500ms]` (at most
 * 10 minutes; no "m", which reads as either unit); without one it is 10 s, and 2 minutes for
 * `unknown-transient` (`[demo-fail:unknown-transient]` = `[demo-fail:unknown-transient:120s]`).
 *
 * | `[demo-fail:poll-429]`     | retrieve answers 429 with `Retry-After: 1` (shape 1)                 |
 * | `[demo-fail:poll-429-bare]`| retrieve answers 429 without `Retry-After`                           |
 * | `[demo-fail:poll-500]`     | retrieve answers 500 (shape 1)                                       |
 * | `[demo-fail:poll-502]`     | retrieve answers 502 with a proxy's HTML page                        |
 * | `[demo-fail:poll-503]`     | retrieve answers 503 (shape 1), no `Retry-After`                     |
 * | `[demo-fail:poll-hang]`    | retrieve does not answer until the window ends or the caller hangs up (at most 60 s) |
 * | `[demo-fail:poll-malformed]` | retrieve answers 200 with a body cut off mid-JSON                  |
 * | `[demo-fail:content-midstream]` | `/content` (and the `metadata.url` link: the provider's connection is what breaks) sends the first half of the MP4, then breaks |
 * | `[demo-fail:unknown-transient]` | retrieve answers status `unknown` with `error.code` `Throttling.RateQuota` (new-api's failed refresh round), by default for 2 minutes, then the task goes on and completes |
 *
 * `create-hang` takes the same argument as its hang length.
 *
 * One take of several: `@seed=N` after the name (and window) limits a fault to the create
 * whose seed is N, so one Generate of four takes can have one fail:
 * `[demo-fail:moderation@seed=1002]` fails only the take sent with seed 1002; the others run
 * as usual. It fits every fault but the create refusals (quota, rate-limit…), which the
 * gateway decides before it reads the body. An unknown `[demo-fail:…]` name,
 * or a window on a fault that has none, is refused with 400 so a typo in a test cannot pass
 * silently. The prompt is stored as sent, marker included; the fault (with its window in
 * milliseconds, `poll-500:3000`) is kept in `demo_videos.fault`.
 */
export const demoFaults = [
  "moderation",
  "invalid",
  "quota",
  "rate-limit",
  "rate-limit-empty",
  "unavailable",
  "content",
  "content-slow",
  "create-500",
  "create-hang",
  "unknown-forever",
  "stuck",
  "poll-429",
  "poll-429-bare",
  "poll-500",
  "poll-502",
  "poll-503",
  "poll-hang",
  "poll-malformed",
  "content-midstream",
  "unknown-transient",
] as const;
export type DemoFault = (typeof demoFaults)[number];

/** Faults that refuse the create itself; no task is made. */
export const createFaults: readonly DemoFault[] = [
  "quota",
  "rate-limit",
  "rate-limit-empty",
  "unavailable",
];

/** Faults that make the task, then lose the create's answer. */
export const lostCreateFaults: readonly DemoFault[] = ["create-500", "create-hang"];

/** Faults that pass: they last a window from the task's creation (or, for create-hang, its hang). */
export const windowFaults: readonly DemoFault[] = [
  "create-hang",
  "poll-429",
  "poll-429-bare",
  "poll-500",
  "poll-502",
  "poll-503",
  "poll-hang",
  "poll-malformed",
  "content-midstream",
  "unknown-transient",
];

/** A passing fault's window when the marker names none. */
export const DEFAULT_FAULT_WINDOW_MS = 10_000;
/** new-api's refresh rounds can fail for minutes under load: the transient unknown's default. */
export const UNKNOWN_TRANSIENT_WINDOW_MS = 2 * 60_000;

function defaultWindowMs(fault: DemoFault): number {
  return fault === "unknown-transient" ? UNKNOWN_TRANSIENT_WINDOW_MS : DEFAULT_FAULT_WINDOW_MS;
}
/** The longest window a marker may ask for. */
export const MAX_FAULT_WINDOW_MS = 10 * 60_000;
/** The longest a hang lasts, whatever the window: a demo must not hold sockets forever. */
export const MAX_HANG_MS = 60_000;

export interface ActiveFault {
  fault: DemoFault;
  /** Only for `windowFaults`. */
  windowMs?: number;
  /** `@seed=N`: the fault acts only on the create sent with this seed. */
  seed?: number;
}

const MARKER = /\[demo-fail:([^\]]*)\]/i;
const BODY = /^([a-z0-9-]+)(?::(\d+(?:\.\d+)?)(ms|s))?(?:@seed=(\d{1,10}))?$/;

export type FaultParse = Partial<ActiveFault> | { unknown: string };

function isFault(name: string): name is DemoFault {
  return (demoFaults as readonly string[]).includes(name);
}

/**
 * The fault a marker body names: `poll-500`, `poll-500:3s`, `poll-500:1500ms`, and any of
 * them for one seed only: `moderation@seed=1002`.
 */
function parseBody(body: string): ActiveFault | undefined {
  const match = BODY.exec(body.trim().toLowerCase());
  if (!match || !isFault(match[1])) return undefined;
  const fault = match[1];
  const seed = match[4] === undefined ? undefined : Number(match[4]);
  if (seed !== undefined && (createFaults.includes(fault) || seed > SEED_MAX)) return undefined;
  const forSeed = seed === undefined ? {} : { seed };
  const windowed = windowFaults.includes(fault);
  if (match[2] === undefined) {
    return windowed
      ? { fault, windowMs: defaultWindowMs(fault), ...forSeed }
      : { fault, ...forSeed };
  }
  if (!windowed) return undefined;
  const windowMs = Math.round(Number(match[2]) * (match[3] === "s" ? 1000 : 1));
  if (windowMs > MAX_FAULT_WINDOW_MS) return undefined;
  return { fault, windowMs, ...forSeed };
}

/** Whether a parsed fault acts on a create sent with `seed` (a `@seed=N` fault only on N). */
export function faultForSeed(active: ActiveFault, seed: number | undefined): boolean {
  return active.seed === undefined || active.seed === seed;
}

export function parseFault(prompt: unknown): FaultParse {
  if (typeof prompt !== "string") return {};
  const match = MARKER.exec(prompt);
  if (!match) return {};
  return parseBody(match[1]) ?? { unknown: match[1] };
}

/** What `demo_videos.fault` keeps: the name, and the window in ms for a passing fault. */
export function storedFault(active: ActiveFault): string {
  return active.windowMs === undefined ? active.fault : `${active.fault}:${active.windowMs}`;
}

/** Reads `demo_videos.fault` back; a value it does not know is no fault. */
export function readStoredFault(value: unknown): ActiveFault | undefined {
  if (typeof value !== "string") return undefined;
  const [name, ms] = value.split(":");
  if (!isFault(name)) return undefined;
  if (!windowFaults.includes(name)) return { fault: name };
  const windowMs = ms === undefined ? defaultWindowMs(name) : Number(ms);
  return { fault: name, windowMs: Number.isFinite(windowMs) ? windowMs : defaultWindowMs(name) };
}

export function isDemoFault(value: unknown): value is DemoFault {
  return typeof value === "string" && isFault(value);
}

/** Whether a passing fault still acts at `now`. */
export function faultActive(active: ActiveFault | undefined, createdAt: Date, now: Date): boolean {
  if (!active) return false;
  if (active.windowMs === undefined) return true;
  return now.getTime() - createdAt.getTime() < active.windowMs;
}

/** How a faulty task ends, as the provider words it. */
export const faultErrors: Partial<Record<DemoFault, { code: string; message: string }>> = {
  moderation: {
    code: "ali_api_error",
    message: "DataInspectionFailed: Output data may contain inappropriate content.",
  },
  invalid: {
    code: "ali_api_error",
    message: "InvalidParameter: The first frame could not be used to generate a video.",
  },
};

/**
 * What a read says while the gateway's refresh round fails (`unknown-transient`): the
 * provider throttled the gateway's query, the task itself runs on.
 */
export const throttledRefresh = {
  code: "ali_api_error",
  message: "Throttling.RateQuota: Requests rate limit exceeded, please try again later.",
};
