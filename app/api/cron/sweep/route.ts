import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { originOf } from "@/lib/http/origin";
import { sweepTasks } from "@/lib/tasks/sweep";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function allowed(request: Request): boolean {
  const secret = env().CRON_SECRET;
  if (!secret) {
    // Without a secret, only this machine may trigger a sweep (e.g. a system cron job).
    const host = new URL(request.url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
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
  const result = await sweepTasks(originOf(request.headers));
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
}
