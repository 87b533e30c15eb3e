import type { Metadata } from "next";
import { headers } from "next/headers";
import { type ReactNode, Suspense } from "react";
import { DoneNotifier } from "@/components/notify/done-notifier";
import { SiteHeader } from "@/components/site-header";
import { displayName } from "@/lib/auth/members";
import { getCurrentUser } from "@/lib/auth/session";
import { signInEnabled } from "@/lib/auth/settings";
import { env, isDemoGateway, publicBaseUrl } from "@/lib/env";
import { newCommentsFor } from "@/lib/review";
import "./globals.css";
import { signOutAction } from "./actions";

const description =
  "Make videos from a first frame, a last frame, an opening clip or a voice track.";

/**
 * Title, icons and the share card (files in public/). Absolute URLs start from the app's
 * settings (PUBLIC_BASE_URL, else the deployment's own address), never a request's headers.
 * The studio is a private tool: search engines are asked to keep out (also public/robots.txt).
 */
export function generateMetadata(): Metadata {
  return {
    metadataBase: new URL(publicBaseUrl()),
    title: "wan-studio",
    description,
    robots: { index: false, follow: false },
    icons: {
      icon: [
        { url: "/icon-192.png", sizes: "192x192", type: "image/png" },
        { url: "/icon-512.png", sizes: "512x512", type: "image/png" },
      ],
      apple: [{ url: "/apple-touch-icon.png", sizes: "180x180", type: "image/png" }],
    },
    openGraph: {
      title: "wan-studio",
      description,
      siteName: "wan-studio",
      images: [{ url: "/og-image.png", width: 1200, height: 630, alt: "wan-studio" }],
    },
  };
}

// Settings and the session are read per request (never at build time): one build serves the
// demo and a signed-in team. (Every page is also rendered per request for the CSP nonce that
// proxy.ts stamps on Next's scripts.)
export const dynamic = "force-dynamic";

/** The header once the session is read: the signed-in member, and what they may open. */
async function HeaderWithMember({ demo }: { demo: boolean }) {
  const user = await getCurrentUser();
  const member = signInEnabled() ? user : null;
  // Comments by others on my own work that I have not read; a database hiccup hides it.
  const unread = user ? await newCommentsFor(user).catch(() => null) : null;
  return (
    <SiteHeader
      demo={demo}
      member={member ? { name: displayName(member), email: member.email } : null}
      signOut={signOutAction}
      notify={user !== null}
      webhooksLink={Boolean(user?.isAdmin) && env().WEBHOOK_URLS.length > 0}
      newComments={unread}
      admin={user?.isAdmin ?? false}
    />
  );
}

/** "Done" notices for the videos this browser started, for someone signed in (or the demo). */
async function Notifier() {
  const user = await getCurrentUser();
  return user ? <DoneNotifier pollMs={Math.min(env().POLL_INTERVAL_MS, 5000)} /> : null;
}

/**
 * Awaits nothing but the request's headers: the first bytes of every page go out without waiting for the session. The
 * header first shows without the member and the member streams in (the page itself still
 * checks the session before it renders anything, see requirePageUser).
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  // A share-link page (proxy.ts marks it) shows no studio header: nothing there leads in.
  if ((await headers()).get("x-wan-share-page") === "1") {
    return (
      <html lang="en">
        <body>
          <header className="border-ink/10 bg-paper-raised border-b">
            <p className="mx-auto max-w-4xl px-4 py-3 text-lg font-bold tracking-tight sm:px-6">
              wan-studio
            </p>
          </header>
          {children}
        </body>
      </html>
    );
  }
  const demo = isDemoGateway();
  return (
    <html lang="en">
      <body>
        <Suspense fallback={<SiteHeader demo={demo} member={null} />}>
          <HeaderWithMember demo={demo} />
        </Suspense>
        {children}
        <Suspense fallback={null}>
          <Notifier />
        </Suspense>
      </body>
    </html>
  );
}
