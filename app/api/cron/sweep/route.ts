import { timingSafeEqual } from "node:crypto";
import { boundToLoopbackOnly, env } from "@/lib/env";
import { runJobsNow } from "@/lib/job-kinds";
import { deliverDue } from "@/lib/notify/deliver";
import { pruneQuietly } from "@/lib/notify/prune";
import { rebuildChangedExports } from "@/lib/sequences/export";
import { advanceRerolls } from "@/lib/sequences/reroll";
import { sweepTasks } from "@/lib/tasks/sweep";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** Background jobs (an export) may run this long on Vercel (its limit on every plan with Fluid compute). */
export const maxDuration = 300;

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/;

/**
 * A caller on this machine, as far as a route handler can tell: it never sees the socket, and
 * the request's URL and Host are whatever the caller wrote. So: this server is bound to a
 * loopback address only (nobody else can connect to it), and the request did not come through
 * a proxy: `next start` fills X-Forwarded-For with the socket's address when the request has
 * none, and a proxy adds the address it saw, so exactly one loopback address is required.
 */
function fromThisMachine(headers: Headers): boolean {
  if (!boundToLoopbackOnly()) return false;
  if (headers.has("forwarded") || headers.has("x-real-ip")) return false;
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  return chain.length === 1 && LOOPBACK.test(chain[0]);
}

/** Who may start a sweep: with CRON_SECRET (always on Vercel), whoever sends it; else only this machine. */
function allowed(request: Request): boolean {
  const secret = env().CRON_SECRET;
  if (!secret) return fromThisMachine(request.headers);
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Vercel Cron calls this (see vercel.json) to finish and keep tasks nobody is watching, to
 * post the team's webhooks that are due (retries, and events no request's after-work sent),
 * to let old events leave the outbox (WEBHOOK_RETENTION_DAYS, a bounded batch per call), to
 * move approved sequence re-rolls on, and to run the background jobs that are due
 * (lib/jobs: cuts, exports; each bounded by its kind's time limit, at most one ffmpeg job per
 * core). Side by side: a receiver that hangs (bounded by WEBHOOK_TIMEOUT_MS) or a long export
 * does not hold up tasks.
 */
export async function GET(request: Request) {
  if (!allowed(request)) {
    return Response.json({ code: "forbidden", message: "Not allowed." }, { status: 403 });
  }
  const [[result, rerolls], webhooks, outbox, jobs] = await Promise.all([
    // After the tasks' sweep: a re-rolled shot goes once the shot before it is kept.
    sweepTasks().then(
      async (swept) =>
        [swept, { ...(await advanceRerolls()), ...(await rebuildChangedExports()) }] as const,
    ),
    env().WEBHOOK_URLS.length > 0 ? deliverDue() : Promise.resolve({ claimed: 0, delivered: 0 }),
    pruneQuietly(),
    runJobsNow(),
  ]);
  return Response.json(
    { ...result, webhooks, outbox: { pruned: outbox.deleted }, rerolls, jobs },
    { headers: { "Cache-Control": "no-store" } },
  );
}
