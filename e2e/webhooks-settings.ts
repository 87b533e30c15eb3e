/**
 * The `webhooks` Playwright project: the same build with team webhooks on, posting to a test
 * receiver (e2e/webhook-receiver.mjs) at three paths: one that answers 200, one that refuses
 * (410) until told otherwise, and one that never answers (bounded by WEBHOOK_TIMEOUT_MS).
 */
const receiver = "http://127.0.0.1:3301";

export const WEBHOOKS_E2E = {
  port: 3300,
  baseURL: "http://127.0.0.1:3300",
  dataDir: ".data-e2e-webhooks",
  receiverPort: 3301,
  receiver,
  urls: { ok: `${receiver}/ok`, refuse: `${receiver}/refuse`, hang: `${receiver}/hang` },
  // 32 bytes, base64, as `echo whsec_$(openssl rand -base64 32)` makes (a test-only secret).
  secret: `whsec_${Buffer.from("wan-studio e2e webhook secret 32").toString("base64")}`,
  timeoutMs: 2000,
} as const;
