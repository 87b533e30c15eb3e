/**
 * Faults the demo gateway can act out, chosen by a marker anywhere in the prompt, so tests
 * (and curious people) can see every failure the real gateway can produce. Type one into the
 * Prompt field:
 *
 * | marker                     | what happens                                                        |
 * | -------------------------- | ------------------------------------------------------------------- |
 * | `[demo-fail:moderation]`   | the task runs, then ends `failed`: ali_api_error "DataInspectionFailed: …" |
 * | `[demo-fail:invalid]`      | the task runs, then ends `failed`: ali_api_error "InvalidParameter: …"     |
 * | `[demo-fail:quota]`        | the create answers 402 (shape 1, insufficient quota); no task              |
 * | `[demo-fail:rate-limit]`   | the create answers 429 with `Retry-After: 2` (shape 1); no task            |
 * | `[demo-fail:unavailable]`  | the create answers 503 (shape 1); no task                                  |
 * | `[demo-fail:content]`      | the task completes, but `/content` answers 502 (expired link, shape 3)     |
 *
 * An unknown `[demo-fail:…]` name is refused with 400 so a typo in a test cannot pass silently.
 * The prompt is stored as sent, marker included; the fault is kept in `demo_videos.fault`.
 */
export const demoFaults = [
  "moderation",
  "invalid",
  "quota",
  "rate-limit",
  "unavailable",
  "content",
] as const;
export type DemoFault = (typeof demoFaults)[number];

/** Faults that refuse the create itself; the others shape the task's ending. */
export const createFaults: readonly DemoFault[] = ["quota", "rate-limit", "unavailable"];

const MARKER = /\[demo-fail:([a-z-]*)\]/i;

export type FaultParse = { fault?: DemoFault } | { unknown: string };

export function parseFault(prompt: unknown): FaultParse {
  if (typeof prompt !== "string") return {};
  const match = MARKER.exec(prompt);
  if (!match) return {};
  const name = match[1].toLowerCase();
  return (demoFaults as readonly string[]).includes(name)
    ? { fault: name as DemoFault }
    : { unknown: name };
}

export function isDemoFault(value: unknown): value is DemoFault {
  return typeof value === "string" && (demoFaults as readonly string[]).includes(value);
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
