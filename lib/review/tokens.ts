import { createHash, randomBytes } from "node:crypto";
import { signValue } from "@/lib/storage/signing";

/**
 * Share tokens: HMAC-SHA256 of the link's id under the server's secret (MEDIA_URL_SECRET, or
 * the one generated once under DATA_DIR: lib/storage/signing.ts), base64url, 43 characters,
 * 256 bits. Without the secret a token cannot be made from the id (which is not secret: it
 * names the link on admin pages and in forms). Only the token's SHA-256 is stored, and a
 * token is found by looking its hash up: no comparison of secrets in our code leaks timing,
 * and a copy of the table opens nothing. Because the server can make the token again, the
 * team's webhooks can carry a live link's URL (lib/notify/share-links.ts) without the token
 * ever being kept.
 *
 * Links made before tokens were derived hold 32 random bytes instead: they open the same way
 * (by hash), but their URL cannot be given again (`shareTokenFor` no longer matches their hash).
 */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** Separates these HMACs from every other use of the secret (media URLs, posters, uploads). */
const TOKEN_PURPOSE = "share-link-token";

/** The token of the share link `linkId`, as this server's secret makes it. */
export function shareTokenFor(linkId: string): string {
  return signValue(TOKEN_PURPOSE, linkId);
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
