import type { DemoState } from "../timeline";
import type { DemoRequest } from "../validate";

/**
 * What differs between the gateways the demo can act (DEMO_GATEWAY_DIALECT): how a create
 * body is read, and the shape of every answer. The handler (../handler.ts) keeps what they
 * share: keys, faults, the timeline, the media check, the store.
 */

/** DEMO_GATEWAY_DIALECT's values (lib/env.ts). */
export type DemoDialectName = "documented" | "new-api";

export type CreateRead = { ok: true; request: DemoRequest } | { ok: false; reply: Response };

/** The create faults that refuse, or lose, the create's answer (see ../faults.ts). */
export type CreateFaultReply =
  | "quota"
  | "rate-limit"
  | "rate-limit-empty"
  | "unavailable"
  | "create-500"
  /** Over the key's concurrency cap (DEMO_GATEWAY_MAX_RUNNING): 429, nothing started. */
  | "over-cap";

/** One task as the create's answer or a read shows it. */
export interface DemoTaskView {
  id: string;
  request: DemoRequest;
  createdAt: Date;
  state: DemoState;
  /** When the gateway's row last changed. */
  changedAt: Date;
  /** The key-free result link, once completed. */
  resultUrl?: string;
}

export interface DemoDialect {
  readonly name: DemoDialectName;
  /** The create body is not JSON at all. */
  notJson(): Response;
  /** The create body as this gateway reads it: the task to run, or its refusal. */
  readCreate(json: unknown): CreateRead;
  /** The provider refuses the task at create (a media URL it cannot use). */
  providerRefusal(code: "InvalidParameter", message: string): Response;
  createFault(fault: CreateFaultReply): Response;
  /** The JSON object of the create's answer (`create`) or of a read. */
  video(view: DemoTaskView, as: "create" | "read"): Record<string, unknown>;
  /** `/content` for an id it does not know. */
  contentUnknown(): Response;
  /** `/content` before the task completed (or after it failed). */
  contentNotReady(state: DemoState): Response;
  /** The Range header `/content` honours, if any. */
  contentRange(request: Request): string | null;
  /** The finished video as `/content` delivers it. */
  deliver(response: Response): Response;
}
