import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

/**
 * Signed, expiring media URLs: the gateway fetches our media without a session, so the URL
 * itself carries the permission (HMAC-SHA256 over the id and the expiry).
 */

const SECRET_FILE = "media-url-secret";

let cachedSecret: Buffer | undefined;

function readSecretFile(file: string): Buffer {
  const text = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64,}$/.test(text)) {
    throw new Error(`${file} does not hold a media URL secret; delete it to generate a new one.`);
  }
  return Buffer.from(text, "hex");
}

/** MEDIA_URL_SECRET, or one generated on first use and kept (0600) under DATA_DIR. */
function secret(): Buffer {
  if (cachedSecret) return cachedSecret;
  const { MEDIA_URL_SECRET, DATA_DIR } = env();
  if (MEDIA_URL_SECRET) {
    cachedSecret = Buffer.from(MEDIA_URL_SECRET, "utf8");
    return cachedSecret;
  }
  const dir = path.resolve(DATA_DIR);
  const file = path.join(dir, SECRET_FILE);
  mkdirSync(dir, { recursive: true });
  try {
    // "wx": of two processes starting at once, one writes and the other reads its secret.
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  cachedSecret = readSecretFile(file);
  return cachedSecret;
}

function signature(mediaId: string, exp: number): Buffer {
  return createHmac("sha256", secret()).update(`media:${mediaId}:${exp}`).digest();
}

export function signMediaUrl(
  baseUrl: string,
  mediaId: string,
  opts: { ttlSeconds?: number; now?: number } = {},
): string {
  const now = opts.now ?? Date.now();
  const ttl = opts.ttlSeconds ?? env().MEDIA_URL_TTL_SECONDS;
  const exp = Math.floor(now / 1000) + ttl;
  const sig = signature(mediaId, exp).toString("base64url");
  const base = baseUrl.replace(/\/+$/, "");
  return `${base}/api/media/${encodeURIComponent(mediaId)}?exp=${exp}&sig=${sig}`;
}

/** True when `sig` signs `mediaId` until `exp` (Unix seconds) and `exp` is not past. */
export function verifyMediaSignature(
  mediaId: string,
  exp: string | number | null | undefined,
  sig: string | null | undefined,
  now: number = Date.now(),
): boolean {
  if (exp === null || exp === undefined || !sig) return false;
  const expText = String(exp);
  if (!/^\d{1,12}$/.test(expText)) return false;
  const expSeconds = Number(expText);
  if (expSeconds * 1000 <= now) return false;
  return sameSignature(sig, signature(mediaId, expSeconds).toString("base64url"));
}

/**
 * Compares the text as sent with the one canonical encoding of the expected HMAC, in constant
 * time. Decoding first would accept 4 other spellings of every signature: the last of its 43
 * characters carries 2 unused bits, which a decoder drops.
 */
function sameSignature(given: string, expected: string): boolean {
  if (!/^[A-Za-z0-9_-]{43}$/.test(given)) return false;
  const a = Buffer.from(given, "ascii");
  const b = Buffer.from(expected, "ascii");
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * HMAC of `value` under the same secret, for other signed tokens (e.g. direct-upload ids).
 * `purpose` separates the domains, so a signature made for one use never verifies for another.
 */
export function signValue(purpose: string, value: string): string {
  return createHmac("sha256", secret()).update(`${purpose}\n${value}`).digest("base64url");
}

export function verifyValue(purpose: string, value: string, sig: string): boolean {
  return sameSignature(sig, signValue(purpose, value));
}

/** Seconds until a URL expiring at `exp` stops working (0 when past or malformed). */
export function secondsLeft(exp: string | number | null, now: number = Date.now()): number {
  const seconds = Number(exp) - Math.floor(now / 1000);
  return Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
}

/** For tests: forget the cached secret so the next call reads settings and disk again. */
export function resetSigningSecretForTests(): void {
  cachedSecret = undefined;
}
