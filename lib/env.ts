import "server-only";
import { z } from "zod";

/**
 * Every setting the server reads, parsed once. Defaults start the demo: no key → the in-app
 * demo gateway, no DATABASE_URL → embedded Postgres (PGlite) under DATA_DIR, files on local
 * disk under DATA_DIR/media. Nothing else in the app reads `process.env`.
 */

export const REAL_GATEWAY_URL = "https://api.powertokens.ai";
/** Where the demo gateway is mounted in this app (see app/api/demo-gateway). */
export const DEMO_GATEWAY_PATH = "/api/demo-gateway";
/** The demo gateway checks this bearer token exactly as the real one checks a key. */
export const DEMO_GATEWAY_KEY = "wan-studio-demo";

const optionalUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .transform((url) => url.replace(/\/+$/, ""))
  .optional();

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const envSchema = z.object({
  VIDEO_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(8).optional()),
  VIDEO_API_BASE_URL: z.preprocess(
    emptyAsUndefined,
    optionalUrl.refine((url) => !url?.endsWith("/v1"), "must not end with /v1"),
  ),
  PUBLIC_BASE_URL: z.preprocess(emptyAsUndefined, optionalUrl),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")
      .optional(),
  ),
  DATA_DIR: z.string().default(".data"),
  MEDIA_URL_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32).optional()),
  /** How long a signed media URL lives; the gateway must be able to fetch it for the task. */
  MEDIA_URL_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(48 * 3600),
  /** The server asks the gateway about a task at most once per this interval. */
  POLL_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
  /** Give up on a task that has not finished after this long. */
  TASK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(60 * 60 * 1000),
  VIDEO_API_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** The port `next start` listens on; the in-process sweeper calls the demo gateway there. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** How often this process looks for tasks nobody is watching; 0 turns the sweeper off
   * (on Vercel, where timers don't outlive a request, the cron route does the sweep). */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
  /** Bearer secret for /api/cron/sweep (Vercel Cron sends it); unset → loopback callers only. */
  CRON_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16).optional()),
  /** Estimated price per output second, by resolution (the gateway's own is unpublished). */
  PRICE_PER_SECOND_720P: z.coerce.number().min(0).default(0.1),
  PRICE_PER_SECOND_1080P: z.coerce.number().min(0).default(0.15),
  /** Demo gateway: milliseconds per stage (queued → 10% → 20% → 30% → completed). */
  DEMO_STEP_MS: z.coerce.number().int().min(0).default(2500),
  /** Demo gateway: how long a finished video stays downloadable, like the provider's ~24 h. */
  DEMO_CONTENT_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(24 * 3600 * 1000),
  /** Set: media and results live in this S3-compatible bucket instead of DATA_DIR/media. */
  S3_BUCKET: z.preprocess(emptyAsUndefined, z.string().min(3).optional()),
  /** R2 takes "auto"; R2 and MinIO also accept us-east-1. */
  S3_REGION: z.preprocess(emptyAsUndefined, z.string().default("us-east-1")),
  /** R2/MinIO endpoint, e.g. https://<account>.r2.cloudflarestorage.com; unset for AWS. */
  S3_ENDPOINT: z.preprocess(emptyAsUndefined, optionalUrl),
  /** Where browsers and the gateway reach the bucket, when not at S3_ENDPOINT. */
  S3_PUBLIC_ENDPOINT: z.preprocess(emptyAsUndefined, optionalUrl),
  S3_ACCESS_KEY_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  S3_SECRET_ACCESS_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** MinIO and s3rver need path-style URLs (endpoint/bucket/key). */
  S3_FORCE_PATH_STYLE: z.preprocess(emptyAsUndefined, z.stringbool().default(false)),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema
    .refine((value) => Boolean(value.S3_ACCESS_KEY_ID) === Boolean(value.S3_SECRET_ACCESS_KEY), {
      message: "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither",
      path: ["S3_SECRET_ACCESS_KEY"],
    })
    .safeParse(process.env);
  if (!parsed.success) {
    // Name every bad variable at once, never its value (it may be a secret).
    const lines = parsed.error.issues.map(
      (issue) => `  - ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Invalid settings:\n${lines.join("\n")}\nSee .env.example.`);
  }
  cached = parsed.data;
  return cached;
}

export function isDemoGateway(): boolean {
  const { VIDEO_API_KEY, VIDEO_API_BASE_URL } = env();
  return !VIDEO_API_KEY && !VIDEO_API_BASE_URL;
}

/**
 * The gateway this request should talk to. Demo mode is decided here, at the boundary: the
 * same `lib/gateway` client then talks HTTP to the in-app demo gateway at `origin`.
 */
export function gatewayConfig(origin: string): { baseUrl: string; apiKey: string; demo: boolean } {
  const { VIDEO_API_KEY, VIDEO_API_BASE_URL } = env();
  if (VIDEO_API_KEY) {
    return { baseUrl: VIDEO_API_BASE_URL ?? REAL_GATEWAY_URL, apiKey: VIDEO_API_KEY, demo: false };
  }
  if (VIDEO_API_BASE_URL) {
    // Another server speaking the contract without a key of ours: the demo key lets a
    // second wan-studio's demo gateway answer.
    return { baseUrl: VIDEO_API_BASE_URL, apiKey: DEMO_GATEWAY_KEY, demo: false };
  }
  return { baseUrl: `${origin}${DEMO_GATEWAY_PATH}`, apiKey: DEMO_GATEWAY_KEY, demo: true };
}

/** Where the gateway fetches our media from: PUBLIC_BASE_URL, else the request's origin. */
export function publicBaseUrl(origin: string): string {
  return env().PUBLIC_BASE_URL ?? origin;
}

/** Per-second rates for cost estimates, by size. */
export function priceRates(): Record<"720P" | "1080P", number> {
  const { PRICE_PER_SECOND_720P, PRICE_PER_SECOND_1080P } = env();
  return { "720P": PRICE_PER_SECOND_720P, "1080P": PRICE_PER_SECOND_1080P };
}

/** Where this server can reach itself, for work that runs outside any request. */
export function selfOrigin(): string {
  return env().PUBLIC_BASE_URL ?? `http://127.0.0.1:${env().PORT}`;
}
