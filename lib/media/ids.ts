/** Media ids are random UUIDs (v4): unguessable, and easy to check before touching storage. */
const MEDIA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function newMediaId(): string {
  return globalThis.crypto.randomUUID();
}

export function isMediaId(value: unknown): value is string {
  return typeof value === "string" && MEDIA_ID.test(value);
}

/** Where a media file's bytes live in storage. */
export function mediaStorageKey(mediaId: string): string {
  return `media/${mediaId}`;
}
