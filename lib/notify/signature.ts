import { createHmac } from "node:crypto";

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<body>` under the secret's bytes, sent base64 behind a
 * version tag, `v1,<base64>`. The secret is written `whsec_<base64 of the key bytes>`.
 */

export const WEBHOOK_ID_HEADER = "webhook-id";
export const WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp";
export const WEBHOOK_SIGNATURE_HEADER = "webhook-signature";

/** The key bytes of a `whsec_…` secret (lib/env checks the form). */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ""), "base64");
}

/** The `webhook-signature` value for one try: `v1,<base64 HMAC>`. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string) {
  const mac = createHmac("sha256", webhookKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest("base64");
  return `v1,${mac}`;
}

/** The three headers of one try, sent with every post (Slack ignores them). */
export function webhookHeaders(
  secret: string | undefined,
  id: string,
  body: string,
  now: number = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  const headers: Record<string, string> = {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
  };
  if (secret) headers[WEBHOOK_SIGNATURE_HEADER] = signWebhook(secret, id, timestamp, body);
  return headers;
}
