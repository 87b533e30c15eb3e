import { fileTypeFromBuffer } from "file-type";
import { type MediaKind, mediaKindLabels, mediaLimits } from "@/lib/video-request";

/**
 * The provider downloads every media URL itself; so does the demo, so a URL that is not
 * public, not signed right, or serves the wrong bytes fails here exactly as it would upstream
 * (minus the hour of waiting). Only the first bytes are kept, for sniffing; the rest is
 * counted against the kind's size cap.
 *
 * Unlike the provider, the demo's key is public (README), so it must not become a way to make
 * this server connect anywhere: it downloads only URLs its owner allows (`allow`: the app's
 * own signed media links and bucket), refuses every other one before connecting, and follows
 * no redirect.
 */

const SNIFF_BYTES = 64 * 1024;

/** file-type's names for the same formats the rulebook lists. */
const MIME_ALIASES: Record<string, string> = {
  "audio/vnd.wave": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/x-wav": "audio/wav",
  "audio/mp3": "audio/mpeg",
  "audio/x-mpeg": "audio/mpeg",
};

export function normaliseMime(mime: string): string {
  return MIME_ALIASES[mime] ?? mime;
}

export interface MediaCheckOptions {
  /** Which URLs may be downloaded at all; without it, none. */
  allow?: (url: URL) => boolean | Promise<boolean>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Whether `url` is one the gateway may download at all (before connecting). */
export async function allowedMediaUrl(
  url: string,
  allow: MediaCheckOptions["allow"],
): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  if (parsed.username || parsed.password) return false;
  return allow ? Boolean(await allow(parsed)) : false;
}

/** null when the URL serves acceptable bytes for `kind`, else the reason, naming the media. */
export async function checkMediaUrl(
  kind: MediaKind,
  url: string,
  { allow, fetch: fetchImpl = globalThis.fetch, timeoutMs = 15_000 }: MediaCheckOptions = {},
): Promise<string | null> {
  const label = mediaKindLabels[kind];
  const limits = mediaLimits[kind];
  if (!(await allowedMediaUrl(url, allow))) {
    return `The ${label.toLowerCase()} URL is not a media link this gateway may download (only the studio's own signed links are).`;
  }
  let response: Response;
  try {
    response = await fetchImpl(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return timedOut
      ? `Downloading the ${label.toLowerCase()} from its URL timed out.`
      : `The ${label.toLowerCase()} could not be downloaded from its URL (connection failed).`;
  }
  if (REDIRECTS.has(response.status)) {
    await response.body?.cancel().catch(() => {});
    return `The ${label.toLowerCase()} URL redirects elsewhere; media links must serve the file themselves.`;
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    return `The ${label.toLowerCase()} could not be downloaded from its URL (HTTP ${response.status}).`;
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const tooBig = `The ${label.toLowerCase()} is larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MB.`;
  if (declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => {});
    return tooBig;
  }

  const head: Uint8Array[] = [];
  let headBytes = 0;
  let total = 0;
  try {
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) {
        await reader.cancel().catch(() => {});
        return tooBig;
      }
      if (headBytes < SNIFF_BYTES) {
        head.push(value);
        headBytes += value.byteLength;
      }
    }
  } catch {
    return `The ${label.toLowerCase()} download broke off before the end.`;
  }
  if (total === 0) return `The ${label.toLowerCase()} URL served an empty file.`;

  const bytes = new Uint8Array(headBytes);
  let offset = 0;
  for (const chunk of head) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const sniffed = await fileTypeFromBuffer(bytes);
  const mime = sniffed ? normaliseMime(sniffed.mime) : undefined;
  if (!mime || !limits.mimeTypes.includes(mime)) {
    return `The ${label.toLowerCase()} is not a ${limits.formatsLabel} file (its bytes look like ${mime ?? "no known format"}).`;
  }
  return null;
}
