/**
 * The review rulebook: share-link choices and comment limits, with the sentences people see.
 * Pure, so the forms, the server actions and the tests read the same rules. No zod here: the
 * review forms import this module, and zod would ship whole to the browser with them (~31 kB
 * gzip on the task pages); the schemas that parse input on the server are in ./schemas.ts.
 */

/** How long a share link lives, in days: the only choices offered. */
export const shareLinkDays = [1, 7, 30] as const;
export type ShareLinkDays = (typeof shareLinkDays)[number];

/** What a share link shows and allows (lib/review/schemas.ts parses it on the server). */
export interface ShareLinkOptions {
  days: ShareLinkDays;
  allowDownload: boolean;
  showSettings: boolean;
  allowComments: boolean;
}

export const COMMENT_MAX_CHARS = 2000;
export const COMMENTER_NAME_MAX_CHARS = 80;
/** Longer than any video the model makes (15 s), with room for exports of several shots. */
export const PIN_MAX_SECONDS = 3600;

export const reviewDecisionLabels = {
  approved: "Approved",
  changes_requested: "Changes requested",
} as const;
export type ReviewDecisionName = keyof typeof reviewDecisionLabels;

/** History filter values for the review state. */
export const reviewFilters = {
  approved: "Approved",
  changes_requested: "Changes requested",
  none: "Not reviewed",
} as const;
export type ReviewFilter = keyof typeof reviewFilters;

/** 83.4 → "1:23.4": how a pin reads beside its comment and on the scrubber. */
export function formatPin(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const minutes = Math.floor(tenths / 600);
  const rest = (tenths % 600) / 10;
  return `${minutes}:${rest.toFixed(1).padStart(4, "0")}`;
}
