import "server-only";
import { env, gatewayConfig } from "@/lib/env";
import { createGatewayClient, type GatewayClient } from "@/lib/gateway";

/**
 * The gateway client for a request arriving at `origin` (the demo gateway lives there).
 * `poll` is for reads made while a viewer waits: one retry and a short timeout, because the
 * next poll is the real retry and a status request must not hang for minutes.
 */
export function gatewayFor(
  origin: string,
  use: "submit" | "poll" | "copy" = "submit",
): GatewayClient {
  const { baseUrl, apiKey } = gatewayConfig(origin);
  const timeoutMs = env().VIDEO_API_TIMEOUT_MS;
  const bodyStyle = env().GATEWAY_BODY_STYLE;
  if (use === "poll") {
    return createGatewayClient({
      baseUrl,
      apiKey,
      timeoutMs: Math.min(timeoutMs, 10_000),
      retries: 1,
      // A viewer is waiting: don't sit out a long Retry-After, the next poll comes anyway.
      maxRetryAfterMs: 2_000,
    });
  }
  return createGatewayClient({ baseUrl, apiKey, timeoutMs, bodyStyle });
}
