import "server-only";
import { env, publicBaseUrl, selfOrigin } from "@/lib/env";
import { isMediaId, mediaStorageKey } from "@/lib/media/ids";
import { getStorage, isDirectStorage } from "@/lib/storage";
import { verifyMediaSignature } from "@/lib/storage/signing";

/**
 * Which media URLs the app's demo gateway may download: only what this app signed itself.
 * Its key is public, so anything looser would let anyone make the server fetch any address
 * and report what it saw (a port scanner without a session).
 *
 * - its own `/api/media/<id>` links, at the origin it writes into them, with a valid signature;
 * - presigned GETs of the configured bucket (the bucket checks the signature; we check that
 *   the URL is one, for a media object of ours);
 * - DEMO_GATEWAY_MEDIA_ORIGINS, for another wan-studio that uses this one's demo gateway.
 */
export async function isOwnMediaUrl(url: URL): Promise<boolean> {
  if (env().DEMO_GATEWAY_MEDIA_ORIGINS.includes(url.origin)) return true;
  return ownSignedLink(url) || (await ownBucketUrl(url));
}

const MEDIA_PATH = /^\/api\/media\/([^/]+)$/;

function ownSignedLink(url: URL): boolean {
  const origins = new Set([new URL(publicBaseUrl()).origin, new URL(selfOrigin()).origin]);
  if (!origins.has(url.origin)) return false;
  const id = MEDIA_PATH.exec(url.pathname)?.[1];
  if (!id || !isMediaId(id)) return false;
  return verifyMediaSignature(id, url.searchParams.get("exp"), url.searchParams.get("sig"));
}

/** A sample media id: its presigned URL shows where the bucket's media objects live. */
const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";

async function ownBucketUrl(url: URL): Promise<boolean> {
  const storage = getStorage();
  if (!isDirectStorage(storage)) return false;
  if (!url.searchParams.has("X-Amz-Signature")) return false;
  const sample = new URL(await storage.presignGet(mediaStorageKey(SAMPLE_ID), { expiresIn: 60 }));
  if (url.origin !== sample.origin) return false;
  const prefix = sample.pathname.slice(0, -SAMPLE_ID.length);
  if (!url.pathname.startsWith(prefix)) return false;
  return isMediaId(url.pathname.slice(prefix.length));
}
