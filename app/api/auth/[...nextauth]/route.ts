import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { signInEnabled } from "@/lib/auth/settings";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function off(): Response {
  return Response.json(
    { code: "not_found", message: "Sign-in is not configured on this server." },
    { status: 404 },
  );
}

/** Auth.js: the provider redirect, its callback, the session and sign-out endpoints. */
export function GET(request: NextRequest) {
  return signInEnabled() ? handlers.GET(request) : off();
}

export function POST(request: NextRequest) {
  return signInEnabled() ? handlers.POST(request) : off();
}
