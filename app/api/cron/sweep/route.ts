import { timingSafeEqual } from "node:crypto";
import { boundToLoopbackOnly, env } from "@/lib/env";
import { sweepTasks } from "@/lib/tasks/sweep";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Headers a proxy adds on the way in: their presence proves the caller is not on this machine. */
const PROXIED = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip"];

/**
 * Who may start a sweep. With CRON_SECRET (always on Vercel), whoever sends it. Without one,
 * only a caller on this machine: a route handler never sees the socket, and the request's URL
 * and Host are whatever the caller wrote, so "on this machine" means this server is bound to a
 * loopback address only (nobody else can connect) and no proxy forwarded the request.
 */
function allowed(request: Request): boolean {
  const secret = env().CRON_SECRET;
  if (!secret) {
    return boundToLoopbackOnly() && !PROXIED.some((name) => request.headers.has(name));
  }
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Vercel Cron calls this (see vercel.json) to finish and keep tasks nobody is watching. */
export async function GET(request: Request) {
  if (!allowed(request)) {
    return Response.json({ code: "forbidden", message: "Not allowed." }, { status: 403 });
  }
  const result = await sweepTasks();
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
}
