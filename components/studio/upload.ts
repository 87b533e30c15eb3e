import type { MediaKind } from "@/lib/video-request";

/** What the upload route answers for a stored file (see app/api/uploads/route.ts). */
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

/**
 * Sends one file to the upload route as the raw request body. XMLHttpRequest rather than
 * fetch, because only XHR reports upload progress in browsers today.
 */
export function uploadFile(
  kind: MediaKind,
  file: File,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedMedia>((resolve, reject) => {
    xhr.open("POST", `/api/uploads?kind=${kind}`);
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total || file.size);
    xhr.onload = () => {
      const body = xhr.response as { media?: UploadedMedia; error?: { message?: string } } | null;
      if (xhr.status >= 200 && xhr.status < 300 && body?.media) return resolve(body.media);
      reject(new UploadError(body?.error?.message ?? `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () =>
      reject(
        new UploadError(
          "The upload was interrupted. Check the connection and drop the file again.",
        ),
      );
    xhr.onabort = () => reject(new UploadError("Upload cancelled.", true));
    xhr.send(file);
  });
  return { done, cancel: () => xhr.abort() };
}
