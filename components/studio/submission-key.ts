/**
 * One submission, one idempotency key, shared by every tab of this browser: the key is kept
 * in localStorage under the form's content for ten minutes, so a double click, a retried
 * request or a second tab holding the same form all name the same task. "Generate another
 * take" forgets it on purpose.
 */

const PREFIX = "wan-studio:submission:";
const LIFETIME_MS = 10 * 60 * 1000;

function storeKey(content: unknown): string {
  return PREFIX + JSON.stringify(content);
}

function sweepOld(now: number) {
  for (let index = localStorage.length - 1; index >= 0; index--) {
    const name = localStorage.key(index);
    if (!name?.startsWith(PREFIX)) continue;
    const saved = JSON.parse(localStorage.getItem(name) ?? "null") as { at?: number } | null;
    if (!saved?.at || now - saved.at > LIFETIME_MS) localStorage.removeItem(name);
  }
}

export function submissionKey(content: unknown): string {
  const now = Date.now();
  try {
    sweepOld(now);
    const name = storeKey(content);
    const saved = JSON.parse(localStorage.getItem(name) ?? "null") as { key?: string } | null;
    if (saved?.key) return saved.key;
    const key = crypto.randomUUID();
    localStorage.setItem(name, JSON.stringify({ key, at: now }));
    return key;
  } catch {
    // Storage blocked (private mode): a key per click still stops retried requests.
    return crypto.randomUUID();
  }
}

export function forgetSubmission(content: unknown): void {
  try {
    localStorage.removeItem(storeKey(content));
  } catch {
    // Nothing to forget.
  }
}
