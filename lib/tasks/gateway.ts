import "server-only";
import { env, gatewayConfig } from "@/lib/env";
import { createGatewayClient, type GatewayClient } from "@/lib/gateway";

/** The gateway client for a request arriving at `origin` (the demo gateway lives there). */
export function gatewayFor(origin: string): GatewayClient {
  const { baseUrl, apiKey } = gatewayConfig(origin);
  return createGatewayClient({ baseUrl, apiKey, timeoutMs: env().VIDEO_API_TIMEOUT_MS });
}
