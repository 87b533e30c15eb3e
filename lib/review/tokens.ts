import { createHash, randomBytes } from "node:crypto";

/**
 * Share tokens: 32 random bytes (256 bits), base64url, 43 characters. Only their SHA-256 is
 * stored, and a token is found by looking its hash up: no comparison of secrets in our code
 * leaks timing, and a copy of the table opens nothing.
 */
export const SHARE_TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newShareToken(): string {
  return randomBytes(SHARE_TOKEN_BYTES).toString("base64url");
}

export function hashShareToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

/** Whether `value` could be a token at all (anything else is not looked up, but still counts). */
export function isShareTokenShape(value: unknown): value is string {
  return typeof value === "string" && TOKEN_SHAPE.test(value);
}

/** Public ids of share links and comments (for revoking, deleting): not secrets. */
export function newReviewId(prefix: "sl" | "cm"): string {
  return `${prefix}_${randomBytes(12).toString("base64url")}`;
}
