import "server-only";
import { signValue, verifyValue } from "@/lib/storage/signing";

/**
 * A poster frame anyone holding the link may fetch, for Slack's image block and receivers
 * that show a thumbnail: `/api/posters/<task id>?exp=…&sig=…`, an HMAC over the task id and
 * the expiry. It reaches that one task's poster and nothing else.
 */
const POSTER_LINK_SECONDS = 14 * 24 * 3600;
const PURPOSE = "webhook-poster";

export function signedPosterUrl(base: string, taskId: string, now: number = Date.now()): string {
  const exp = Math.floor(now / 1000) + POSTER_LINK_SECONDS;
  const sig = signValue(PURPOSE, `${taskId}:${exp}`);
  return `${base}/api/posters/${encodeURIComponent(taskId)}?exp=${exp}&sig=${sig}`;
}

export function verifyPosterLink(
  taskId: string,
  exp: string | null,
  sig: string | null,
  now: number = Date.now(),
): boolean {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
  if (Number(exp) * 1000 <= now) return false;
  return verifyValue(PURPOSE, `${taskId}:${exp}`, sig);
}
