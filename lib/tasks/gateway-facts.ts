import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { gatewayFacts } from "@/lib/db/schema";
import { env, REAL_GATEWAY_URL } from "@/lib/env";

/** Facts the app learns from its gateway's answers. */
export type GatewayFact = "prompt_required";

/**
 * Which gateway a fact is about: its base URL, or "demo:<dialect>" for the in-app demo gateway
 * (reached on this server's own address, and acting one of two gateway builds). A fact learned
 * from one gateway says nothing about another, so switching VIDEO_API_BASE_URL or the demo's
 * dialect starts from what the settings say.
 */
export function gatewayIdentity(): string {
  const { VIDEO_API_KEY, VIDEO_API_BASE_URL, DEMO_GATEWAY_DIALECT } = env();
  if (VIDEO_API_BASE_URL) return VIDEO_API_BASE_URL;
  return VIDEO_API_KEY ? REAL_GATEWAY_URL : `demo:${DEMO_GATEWAY_DIALECT}`;
}

/**
 * What this server last read or wrote, per gateway and fact. The studio page asks on every
 * load, and a fact changes about once in a gateway's life: a fact that holds is kept for
 * good here (facts are never taken back), one that does not is read again after
 * UNKNOWN_FOR_MS, so a fact another server instance learned reaches this one's form soon.
 */
const known = new Map<string, { value: unknown; until: number }>();
const UNKNOWN_FOR_MS = 15_000;

function remembered(key: string, value: unknown): void {
  known.set(key, {
    value,
    until: value === undefined ? Date.now() + UNKNOWN_FOR_MS : Number.POSITIVE_INFINITY,
  });
}

export async function rememberGatewayFact(name: GatewayFact, value: unknown = true): Promise<void> {
  remembered(`${gatewayIdentity()}\n${name}`, value);
  const db = await getDb();
  await db
    .insert(gatewayFacts)
    .values({ gateway: gatewayIdentity(), name, value })
    .onConflictDoUpdate({
      target: [gatewayFacts.gateway, gatewayFacts.name],
      set: { value, learnedAt: new Date() },
    });
}

async function gatewayFact(name: GatewayFact): Promise<unknown> {
  const gateway = gatewayIdentity();
  const key = `${gateway}\n${name}`;
  const hit = known.get(key);
  if (hit && hit.until > Date.now()) return hit.value;
  const db = await getDb();
  const [row] = await db
    .select({ value: gatewayFacts.value })
    .from(gatewayFacts)
    .where(and(eq(gatewayFacts.gateway, gateway), eq(gatewayFacts.name, name)))
    .limit(1);
  remembered(key, row?.value);
  return row?.value;
}

/**
 * Whether a create needs a prompt here: the setting says so, or this gateway refused a create
 * without one before (it is remembered, so the next form asks before anyone pays).
 */
export async function promptRequired(): Promise<boolean> {
  if (env().GATEWAY_REQUIRES_PROMPT) return true;
  return (await gatewayFact("prompt_required")) === true;
}
