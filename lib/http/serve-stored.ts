import "server-only";
import { Readable } from "node:stream";
import { getStorage, isDirectStorage } from "@/lib/storage";
import { parseRangeHeader } from "@/lib/storage/range";
import { setKnownLength } from "./content-length";

/** Presigned GETs handed to the browser live this long (S3 storage). */
const REDIRECT_URL_SECONDS = 3600;

interface ServeOptions {
  key: string;
  contentType: string;
  /** Stable for the object's life: our stored objects never change once written. */
  etag: string;
  cacheControl: string;
  contentDisposition?: string;
  /** HEAD answers the headers only. */
  withBody: boolean;
}

/**
 * Answers a GET/HEAD for a stored object with single-range support (players seek with it),
 * `nosniff`, and an ETag; with S3 storage, a redirect to a presigned GET of the object. Null
 * when the object is missing, for the caller to word the 404.
 */
export async function serveStored(
  request: Request,
  options: ServeOptions,
): Promise<Response | null> {
  const storage = getStorage();
  const stored = await storage.stat(options.key);
  if (!stored) return null;
  if (isDirectStorage(storage)) {
    // The bucket serves the bytes (ranges, seeking) itself: no video streams through a
    // serverless function. The redirect is cached for less time than its URL lives.
    const url = await storage.presignGet(options.key, {
      expiresIn: REDIRECT_URL_SECONDS,
      contentType: options.contentType,
      contentDisposition: options.contentDisposition ?? "inline",
    });
    return new Response(null, {
      status: 302,
      headers: { Location: url, "Cache-Control": "private, max-age=600" },
    });
  }
  const { size } = stored;
  const headers = new Headers({
    "Content-Type": options.contentType,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": options.contentDisposition ?? "inline",
    "Accept-Ranges": "bytes",
    // Stored media are compressed already (or tiny), and a compressed answer loses its
    // Content-Length and byte ranges: no compression layer (ours or a proxy's) may touch them.
    "Cache-Control": `${options.cacheControl}, no-transform`,
    ETag: options.etag,
  });

  // If-Range with another validator asks for the whole file.
  const ifRange = request.headers.get("if-range");
  const range =
    ifRange && ifRange !== options.etag
      ? null
      : parseRangeHeader(request.headers.get("range"), size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${size}`);
    setKnownLength(headers, 0);
    return new Response(null, { status: 416, headers });
  }
  const status = range ? 206 : 200;
  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
  setKnownLength(headers, range ? range.end - range.start + 1 : size);
  if (!options.withBody) return new Response(null, { status, headers });

  const object = await storage.get(options.key, range ?? undefined);
  if (!object) return null;
  const body = Readable.toWeb(object.body) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}
