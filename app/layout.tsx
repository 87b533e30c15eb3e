import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import { displayName } from "@/lib/auth/members";
import { getCurrentUser } from "@/lib/auth/session";
import { signInEnabled } from "@/lib/auth/settings";
import { isDemoGateway, publicBaseUrl } from "@/lib/env";
import { newCommentsFor } from "@/lib/review";
import "./globals.css";
import { signOutAction } from "./actions";
import { Providers } from "./providers";

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
// demo and a signed-in team.
export const dynamic = "force-dynamic";

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
          <Providers>{children}</Providers>
        </body>
      </html>
    );
  }
  const user = await getCurrentUser();
  const member = signInEnabled() ? user : null;
  // Comments by others on my own work that I have not read; a database hiccup hides it.
  const unread = user ? await newCommentsFor(user).catch(() => null) : null;
  return (
    <html lang="en">
      <body>
        <SiteHeader
          demo={isDemoGateway()}
          member={member ? { name: displayName(member), email: member.email } : null}
          signOut={signOutAction}
          newComments={unread}
          admin={user?.isAdmin ?? false}
        />
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
