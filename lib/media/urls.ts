import "server-only";
import { publicBaseUrl } from "@/lib/env";
import { signMediaUrl } from "@/lib/storage/signing";

/**
 * The URL the gateway downloads a media file from: PUBLIC_BASE_URL (else the request's
 * origin) + a signed, expiring `/api/media/<id>` path. The provider fetches it itself, so it
 * must be reachable from the internet for the life of the task.
 */
export function mediaUrlFor(mediaId: string, origin: string): string {
  return signMediaUrl(publicBaseUrl(origin), mediaId);
}
