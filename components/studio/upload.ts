import type { MediaKind } from "@/lib/request-rules";

/** What the upload routes answer for a stored file (see app/api/uploads). */
export interface UploadedMedia {
  id: string;
  kind: MediaKind;
  mimeType: string;
  bytes: number;
  name: string;
  probe: { width?: number; height?: number; durationSeconds?: number };
}

export interface UploadHandle {
  done: Promise<UploadedMedia>;
  cancel: () => void;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
    this.name = "UploadError";
  }
}

interface PresignedUpload {
  uploadId: string;
  url: string;
  method: string;
  headers: Record<string, string>;
}

type ErrorBody = { error?: { message?: string } } | null;

const INTERRUPTED = "The upload was interrupted. Check the connection and drop the file again.";
const CANCELLED = "Upload cancelled.";

/**
 * How files reach storage, as the page was told by the server: `direct` to the bucket through
 * a presigned PUT (S3 storage), or `stream`ed through our upload route (local storage).
 */
export type UploadMode = "direct" | "stream";

/**
 * Sends `body` with XMLHttpRequest rather than fetch, because only XHR reports upload
 * progress in browsers today. Resolves with the finished request whatever its status.
 */
function send(
  xhr: XMLHttpRequest,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: File,
  onProgress: (sent: number, total: number) => void,
): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total || body.size);
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new UploadError(INTERRUPTED));
    xhr.onabort = () => reject(new UploadError(CANCELLED, true));
    xhr.send(body);
  });
}

async function postJson(url: string, body: unknown, signal: AbortSignal) {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    return { status: response.status, json };
  } catch (error) {
    if (signal.aborted) throw new UploadError(CANCELLED, true);
    throw error instanceof UploadError ? error : new UploadError(INTERRUPTED);
  }
}

function refusal(body: ErrorBody, status: number): UploadError {
  return new UploadError(body?.error?.message ?? `The upload failed (HTTP ${status}).`);
}

/**
 * Asks for a presigned PUT (S3 storage). Null when the server stores uploads itself, in which
 * case the file goes to /api/uploads.
 */
async function presign(
  kind: MediaKind,
  file: File,
  signal: AbortSignal,
): Promise<PresignedUpload | null> {
  const { status, json } = await postJson(
    "/api/uploads/presign",
    { kind, name: file.name, size: file.size, type: file.type },
    signal,
  );
  if (status === 200 && typeof json?.url === "string") return json as unknown as PresignedUpload;
  // The server's storage changed since the page was rendered: stream instead.
  if (status === 409 && json?.mode === "stream") return null;
  throw refusal(json as ErrorBody, status);
}

/**
 * Uploads one file, reporting progress; `cancel` stops it at whatever step it is in. With S3
 * storage the bytes go straight to the bucket (presigned PUT) and the server then checks the
 * stored object; otherwise they stream through our upload route. Either way the answer is
 * the stored media, or an UploadError whose message says what to do.
 */
export function uploadFile(
  kind: MediaKind,
  file: File,
  onProgress: (sent: number, total: number) => void,
  mode: UploadMode,
): UploadHandle {
  const controller = new AbortController();
  const xhr = new XMLHttpRequest();
  xhr.responseType = "json";
  const cancelled = () => new UploadError(CANCELLED, true);

  const done = (async (): Promise<UploadedMedia> => {
    const direct = mode === "direct" ? await presign(kind, file, controller.signal) : null;
    if (controller.signal.aborted) throw cancelled();

    if (!direct) {
      const answer = await send(
        xhr,
        "POST",
        `/api/uploads?kind=${kind}`,
        {
          "Content-Type": file.type || "application/octet-stream",
          "X-File-Name": encodeURIComponent(file.name),
        },
        file,
        onProgress,
      );
      const body = answer.response as ({ media?: UploadedMedia } & ErrorBody) | null;
      if (answer.status >= 200 && answer.status < 300 && body?.media) return body.media;
      throw refusal(body, answer.status);
    }

    const put = await send(xhr, direct.method, direct.url, direct.headers, file, onProgress);
    if (put.status < 200 || put.status >= 300) {
      throw new UploadError(
        `Storage refused the upload (HTTP ${put.status}). Drop the file again.`,
      );
    }
    if (controller.signal.aborted) throw cancelled();
    const { status, json } = await postJson(
      "/api/uploads/complete",
      { uploadId: direct.uploadId },
      controller.signal,
    );
    const body = json as ({ media?: UploadedMedia } & ErrorBody) | null;
    if (status >= 200 && status < 300 && body?.media) return body.media;
    throw refusal(body, status);
  })();

  return {
    done,
    cancel: () => {
      controller.abort();
      xhr.abort();
    },
  };
}
