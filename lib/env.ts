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
/** The demo gateway's default bearer token (DEMO_GATEWAY_KEY overrides it). */
export const DEMO_GATEWAY_DEFAULT_KEY = "wan-studio-demo";

const optionalUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .transform((url) => url.replace(/\/+$/, ""))
  .optional();

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

/** "a.com, B.com" → ["a.com", "b.com"]; every entry must match `pattern`. */
function commaList(pattern: RegExp, what: string) {
  return z.preprocess(
    (value) => (typeof value === "string" ? value : ""),
    z
      .string()
      .transform((text) =>
        text
          .split(",")
          .map((item) => item.trim().toLowerCase())
          .filter(Boolean),
      )
      .refine(
        (items) => items.every((item) => pattern.test(item)),
        `must be a comma list of ${what}`,
      ),
  );
}

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
  /**
   * Where the create body carries media and options: `both` (top-level as documented, and in
   * `metadata` for mainline new-api builds, which drop unknown top-level fields), `top` or
   * `metadata`, for a gateway build that refuses one of the two forms.
   */
  GATEWAY_BODY_STYLE: z.preprocess(
    emptyAsUndefined,
    z.enum(["both", "top", "metadata"]).default("both"),
  ),
  /**
   * Fail a task only after the gateway answered `unknown` for this long without a break (its
   * refresh round can be throttled for minutes). TASK_TIMEOUT_MS still bounds the whole wait.
   */
  UNKNOWN_STATUS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15 * 60 * 1000),
  /**
   * true: the gateway refuses a create without a prompt (every new-api build does), so the
   * form asks for one before paying. The app also learns it from such a refusal.
   */
  GATEWAY_REQUIRES_PROMPT: z.preprocess(emptyAsUndefined, z.stringbool().default(false)),
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
  /** Spend limits in USD of estimated cost; unset means no limit. */
  BUDGET_MEMBER_DAILY_USD: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).optional()),
  BUDGET_TEAM_MONTHLY_USD: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).optional()),
  /**
   * How many tasks the team runs at the gateway at once (providers cap this per key and answer
   * a create over the cap with 429). Tasks beyond it wait in our own queue (lib/tasks/queue.ts).
   */
  MAX_CONCURRENT_TASKS: z.coerce.number().int().min(1).default(4),
  /** At most this many submissions per member per minute. */
  SUBMIT_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /**
   * The bearer token the demo gateway accepts (and this app sends it when it has no key of
   * its own). Another wan-studio can use this one's demo gateway as its "real" gateway by
   * setting its VIDEO_API_KEY to this value: the deployed-shape test does exactly that.
   */
  DEMO_GATEWAY_KEY: z.string().min(8).default(DEMO_GATEWAY_DEFAULT_KEY),
  /**
   * Demo gateway: which gateway it acts. `documented`: the contract of the gateway's own page
   * (docs/upstream-api.md). `new-api`: mainline new-api's code (the doc's last section): media
   * only from `metadata`, prompt required, its error shapes, `/content` without Range and cut
   * at 60 s. Tests run the app against both.
   */
  DEMO_GATEWAY_DIALECT: z.preprocess(
    emptyAsUndefined,
    z.enum(["documented", "new-api"]).default("documented"),
  ),
  /**
   * Demo gateway: refuse a create with 429 (as the provider does over its concurrency cap) while
   * this many of its tasks run; unset means no cap. With a cap it also keeps a record of every
   * create it was sent (DATA_DIR/demo-gateway/creates.jsonl), for tests and benches.
   */
  DEMO_GATEWAY_MAX_RUNNING: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).optional(),
  ),
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
  /** Sign-in (OpenID Connect): all four set turn it on; see lib/auth and authProblems below. */
  // Kept exactly as given: the provider's discovery document must name the same issuer.
  AUTH_OIDC_ISSUER: z.preprocess(
    emptyAsUndefined,
    z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  ),
  AUTH_OIDC_CLIENT_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_OIDC_CLIENT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Encrypts the session cookie (e.g. `openssl rand -base64 33`). */
  AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32).optional()),
  /** The provider's name on the sign-in button: "Sign in with <name>". */
  AUTH_OIDC_NAME: z.preprocess(emptyAsUndefined, z.string().max(60).default("SSO")),
  /** Who may sign in: these email domains and/or these addresses (comma lists). */
  AUTH_ALLOWED_DOMAINS: commaList(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "domains like example.com"),
  AUTH_ALLOWED_EMAILS: commaList(/^[^\s@,]+@[^\s@,]+$/, "email addresses"),
  /** Members who may also delete anyone's videos. */
  AUTH_ADMIN_EMAILS: commaList(/^[^\s@,]+@[^\s@,]+$/, "email addresses"),
  /** true: no sign-in even with a real key (a company proxy in front already checks people). */
  AUTH_DISABLED: z.preprocess(emptyAsUndefined, z.stringbool().default(false)),
  /**
   * Auth.js reads these two itself. AUTH_URL: the app's public URL, which its callbacks are
   * built from. AUTH_TRUST_HOST=true: build them from X-Forwarded-Host instead, only for a
   * proxy in front that always sets that header itself (see authProblems).
   */
  AUTH_URL: z.preprocess(emptyAsUndefined, optionalUrl),
  AUTH_TRUST_HOST: z.preprocess(emptyAsUndefined, z.stringbool().optional()),
  /**
   * Origins (scheme://host:port) besides this app's own media links and bucket that the demo
   * gateway may download media from: another wan-studio using this one's demo gateway.
   */
  DEMO_GATEWAY_MEDIA_ORIGINS: z.preprocess(
    (value) => (typeof value === "string" ? value : ""),
    z
      .string()
      .transform((text) =>
        text
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .refine(
        (items) => items.every((item) => /^https?:\/\/[^/?#\s]+\/?$/i.test(item)),
        "must be a comma list of origins like https://studio.example.com",
      )
      .transform((items) => items.map((item) => new URL(item).origin)),
  ),
  /**
   * Team webhooks (lib/notify): where `completed`, `failed` and `export_ready` events are
   * posted, a comma list of http(s) URLs kept exactly as written (paths are case-sensitive).
   * A URL on Slack's incoming-webhook host gets Slack's message shape instead.
   */
  WEBHOOK_URLS: z.preprocess(
    (value) => (typeof value === "string" ? value : ""),
    z
      .string()
      .transform((text) =>
        text
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .refine(
        (items) => items.every((item) => /^https?:\/\/[^\s,]+$/i.test(item) && URL.canParse(item)),
        "must be a comma list of http(s) URLs",
      ),
  ),
  /**
   * Signs every webhook the Standard Webhooks way: `whsec_` + base64 of 24–64 random bytes
   * (e.g. `echo whsec_$(openssl rand -base64 32)`). Required when a URL is not Slack's.
   */
  WEBHOOK_SECRET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((text) => {
        const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(text);
        if (!match) return false;
        const bytes = Buffer.from(match[1], "base64").length;
        return bytes >= 24 && bytes <= 64;
      }, "must be whsec_ followed by base64 of 24-64 random bytes (echo whsec_$(openssl rand -base64 32))")
      .optional(),
  ),
  /**
   * Days the outbox keeps an event once it is delivered everywhere (or had nowhere to go);
   * events with a failed delivery are kept twice as long. Then the sweeper (or the cron
   * route) deletes them, a bounded batch at a time.
   */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  /** How long one webhook delivery may take before it counts as a timeout (and is retried). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /**
   * How many proxies of yours stand in front of `next start` and append the address they saw
   * to X-Forwarded-For (e.g. 1 behind one nginx). 0: none, so the header is the client's own
   * words and is never used to tell clients apart. On Vercel the platform sets it and it is
   * trusted whatever this says.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Wrong share-link tokens one client may try per 10 minutes before it is refused. */
  SHARE_MISSES_PER_CLIENT: z.coerce.number().int().min(1).default(20),
  /** Wrong share-link tokens all clients together may try per 10 minutes. */
  SHARE_MISSES_TOTAL: z.coerce.number().int().min(1).default(500),
  /** Set by Vercel on its deployments: its proxy sets the forwarded headers Auth.js reads. */
  VERCEL: z.preprocess(emptyAsUndefined, z.string().optional()),
});

export type Env = z.infer<typeof envSchema>;

const OIDC_SETTINGS = [
  "AUTH_OIDC_ISSUER",
  "AUTH_OIDC_CLIENT_ID",
  "AUTH_OIDC_CLIENT_SECRET",
  "AUTH_SECRET",
] as const;

/**
 * Sign-in is on when OIDC is configured, and must be when a real key is set (it bills the
 * team): refuse to start otherwise, naming what to add. AUTH_DISABLED=true opts out.
 */
function authProblems(value: Env, ctx: z.RefinementCtx): void {
  if (value.AUTH_DISABLED) return;
  const configured = OIDC_SETTINGS.filter((name) => value[name]);
  const oidc = configured.some((name) => name !== "AUTH_SECRET");
  if (oidc) {
    for (const name of OIDC_SETTINGS.filter((name) => !value[name])) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `sign-in needs ${OIDC_SETTINGS.join(", ")} together; this one is missing`,
      });
    }
    if (!value.AUTH_URL && value.AUTH_TRUST_HOST !== true && !value.VERCEL) {
      // Otherwise Auth.js would build its callback and redirect URLs from the request's Host.
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_URL"],
        message:
          "sign-in needs the studio's public URL (e.g. https://studio.example.com), so its callbacks never come from request headers; or AUTH_TRUST_HOST=true behind a proxy that sets X-Forwarded-Host itself",
      });
    }
    if (value.AUTH_ALLOWED_DOMAINS.length === 0 && value.AUTH_ALLOWED_EMAILS.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_ALLOWED_DOMAINS"],
        message: "say who may sign in: AUTH_ALLOWED_DOMAINS and/or AUTH_ALLOWED_EMAILS",
      });
    }
  } else if (value.VIDEO_API_KEY) {
    ctx.addIssue({
      code: "custom",
      path: ["VIDEO_API_KEY"],
      message: `a real key bills the team, so sign-in is required: set ${OIDC_SETTINGS.join(", ")} and AUTH_ALLOWED_DOMAINS and/or AUTH_ALLOWED_EMAILS (or AUTH_DISABLED=true when a company proxy already signs people in)`,
    });
  }
}

/** Slack's incoming-webhook host: such URLs get Slack's message shape, and no signature check. */
export const SLACK_WEBHOOK_HOST = "hooks.slack.com";

/** A receiver other than Slack must be able to check that a post came from us. */
function webhookProblems(value: Env, ctx: z.RefinementCtx): void {
  const unsigned = value.WEBHOOK_URLS.some((url) => new URL(url).hostname !== SLACK_WEBHOOK_HOST);
  if (unsigned && !value.WEBHOOK_SECRET) {
    ctx.addIssue({
      code: "custom",
      path: ["WEBHOOK_SECRET"],
      message:
        "WEBHOOK_URLS names a receiver that is not Slack: set WEBHOOK_SECRET so it can check our signature",
    });
  }
}

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  cached = parseEnv(process.env);
  return cached;
}

/** Parses settings from `source`; throws an error naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema
    .refine((value) => Boolean(value.S3_ACCESS_KEY_ID) === Boolean(value.S3_SECRET_ACCESS_KEY), {
      message: "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither",
      path: ["S3_SECRET_ACCESS_KEY"],
    })
    .superRefine(authProblems)
    .superRefine(webhookProblems)
    .safeParse(source);
  if (!parsed.success) {
    // Name every bad variable at once, never its value (it may be a secret).
    const lines = parsed.error.issues.map(
      (issue) => `  - ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Invalid settings:\n${lines.join("\n")}\nSee .env.example.`);
  }
  return parsed.data;
}

export function isDemoGateway(): boolean {
  const { VIDEO_API_KEY, VIDEO_API_BASE_URL } = env();
  return !VIDEO_API_KEY && !VIDEO_API_BASE_URL;
}

/**
 * The gateway the server talks to, from settings only. Demo mode is decided here, at the
 * boundary: the same `lib/gateway` client then talks HTTP to the in-app demo gateway on this
 * server's own bound address. Never from a request's Host or X-Forwarded-* headers: anyone can
 * send those, and the gateway receives our bearer key and answers with bytes we keep and serve.
 */
export function gatewayConfig(): { baseUrl: string; apiKey: string; demo: boolean } {
  const { VIDEO_API_KEY, VIDEO_API_BASE_URL } = env();
  if (VIDEO_API_KEY) {
    return { baseUrl: VIDEO_API_BASE_URL ?? REAL_GATEWAY_URL, apiKey: VIDEO_API_KEY, demo: false };
  }
  if (VIDEO_API_BASE_URL) {
    // Another server speaking the contract without a key of ours: the demo key lets a
    // second wan-studio's demo gateway answer.
    return { baseUrl: VIDEO_API_BASE_URL, apiKey: env().DEMO_GATEWAY_KEY, demo: false };
  }
  return {
    baseUrl: `${selfOrigin()}${DEMO_GATEWAY_PATH}`,
    apiKey: env().DEMO_GATEWAY_KEY,
    demo: true,
  };
}

/**
 * Where the gateway fetches our media from (the origin written into signed `/api/media` URLs):
 * PUBLIC_BASE_URL; on Vercel, the deployment's own domain as the platform names it; else this
 * server's bound address (reachable by the demo gateway; a real one is warned about on the page).
 */
export function publicBaseUrl(source: Record<string, string | undefined> = process.env): string {
  return env().PUBLIC_BASE_URL ?? vercelOrigin(source) ?? selfOrigin(source);
}

/** `https://<domain>` from the variables Vercel sets on every deployment (never a request). */
function vercelOrigin(source: Record<string, string | undefined>): string | undefined {
  if (!source.VERCEL) return undefined;
  const host =
    source.VERCEL_ENV === "production" && source.VERCEL_PROJECT_PRODUCTION_URL
      ? source.VERCEL_PROJECT_PRODUCTION_URL
      : source.VERCEL_URL;
  return host ? `https://${host}` : undefined;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]"]);

/**
 * How this process can reach itself, for the demo gateway and work outside any request: on
 * Vercel the deployment's URL; under `next start` the address it bound, which Next records in
 * PORT and __NEXT_PRIVATE_ORIGIN once it listens (read live: that happens after start-up);
 * a wildcard or `localhost` binding is reached on 127.0.0.1.
 */
export function selfOrigin(source: Record<string, string | undefined> = process.env): string {
  const vercel = vercelOrigin(source);
  if (vercel && !source.__NEXT_PRIVATE_ORIGIN) return vercel;
  const bound = boundOrigin(source);
  if (bound) {
    return LOOPBACK_HOSTS.has(bound.host) || bound.host === "localhost"
      ? `${bound.protocol}://${bound.host === "localhost" ? "127.0.0.1" : bound.host}:${bound.port}`
      : `${bound.protocol}://${bound.host}:${bound.port}`;
  }
  const port = Number(source.PORT);
  return `http://127.0.0.1:${Number.isInteger(port) && port > 0 && port < 65536 ? port : 3000}`;
}

function boundOrigin(
  source: Record<string, string | undefined>,
): { protocol: string; host: string; port: string } | undefined {
  const text = source.__NEXT_PRIVATE_ORIGIN;
  if (!text) return undefined;
  try {
    const url = new URL(text);
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    return { protocol: url.protocol.replace(/:$/, ""), host: url.hostname, port };
  } catch {
    return undefined;
  }
}

/**
 * True when this server is bound to a loopback address only (`next start -H 127.0.0.1`, as
 * `npm start` does), so whoever connects runs on this machine. Next reports a wildcard
 * binding as `localhost`, so `localhost` does not count.
 */
export function boundToLoopbackOnly(
  source: Record<string, string | undefined> = process.env,
): boolean {
  if (source.VERCEL) return false;
  const bound = boundOrigin(source);
  return bound !== undefined && LOOPBACK_HOSTS.has(bound.host);
}

/** Per-second rates for cost estimates, by size. */
export function priceRates(): Record<"720P" | "1080P", number> {
  const { PRICE_PER_SECOND_720P, PRICE_PER_SECOND_1080P } = env();
  return { "720P": PRICE_PER_SECOND_720P, "1080P": PRICE_PER_SECOND_1080P };
}
