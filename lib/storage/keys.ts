/**
 * Storage keys are chosen by the app (`media/<uuid>`, `results/<taskId>.mp4`), but both
 * drivers still check them, so a bad one can never reach outside the store. A segment may
 * start with `_` or `-` (task ids are base64url), never with `.`: that stays free for the
 * local driver's hidden temp files, and keeps `..` out.
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

export class InvalidStorageKeyError extends Error {
  constructor(key: string) {
    super(`Invalid storage key: ${JSON.stringify(key.slice(0, 80))}`);
    this.name = "InvalidStorageKeyError";
  }
}

export function checkStorageKey(key: string): string {
  if (key.length > 512 || !key.split("/").every((segment) => SEGMENT.test(segment))) {
    throw new InvalidStorageKeyError(key);
  }
  return key;
}
