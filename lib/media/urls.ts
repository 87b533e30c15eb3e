import "server-only";
import { env, publicBaseUrl } from "@/lib/env";
import { getStorage, isDirectStorage } from "@/lib/storage";
import { signMediaUrl } from "@/lib/storage/signing";
import { mediaStorageKey } from "./ids";

/**
 * The signed `/api/media/<id>` URL of a media file on this server, for the gateway: the
 * settings' public base (lib/env `publicBaseUrl`, never a request header) + an expiring HMAC.
 */
export function mediaUrlFor(mediaId: string): string {
  return signMediaUrl(publicBaseUrl(), mediaId);
}

/**
 * The URL the gateway downloads a media file from. The provider fetches it itself, so it must
 * be reachable from the internet for the life of the task: with S3 storage a presigned GET
 * straight from the bucket (MEDIA_URL_TTL_SECONDS, capped at SigV4's 7 days; the object's
 * stored type is the sniffed one), otherwise our signed `/api/media` URL.
 */
export async function gatewayMediaUrl(mediaId: string): Promise<string> {
  const storage = getStorage();
  if (!isDirectStorage(storage)) return mediaUrlFor(mediaId);
  return storage.presignGet(mediaStorageKey(mediaId), {
    expiresIn: env().MEDIA_URL_TTL_SECONDS,
  });
}

/** Scheme, host and port of the media URLs the gateway receives (for the reachability check). */
export async function gatewayMediaOrigin(): Promise<string> {
  const sample = await gatewayMediaUrl("00000000-0000-4000-8000-000000000000");
  return new URL(sample).origin;
}
