import type { Metadata } from "next";
import { type ReactNode, Suspense } from "react";
import { SiteHeader } from "@/components/site-header";
import { displayName } from "@/lib/auth/members";
import { getCurrentUser } from "@/lib/auth/session";
import { signInEnabled } from "@/lib/auth/settings";
import { isDemoGateway, publicBaseUrl } from "@/lib/env";
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

/** The header with the signed-in member, once the session is read. */
async function HeaderWithMember({ demo }: { demo: boolean }) {
  const member = await getCurrentUser();
  return (
    <SiteHeader
      demo={demo}
      member={member ? { name: displayName(member), email: member.email } : null}
      signOut={signOutAction}
    />
  );
}

/**
 * Awaits nothing: the first bytes of every page go out without waiting for the session. With
 * sign-in on, the header first shows without the member and the member streams in (the page
 * itself still checks the session before it renders anything, see requirePageUser).
 */
export default function RootLayout({ children }: { children: ReactNode }) {
  const demo = isDemoGateway();
  return (
    <html lang="en">
      <body>
        {signInEnabled() ? (
          <Suspense fallback={<SiteHeader demo={demo} member={null} />}>
            <HeaderWithMember demo={demo} />
          </Suspense>
        ) : (
          <SiteHeader demo={demo} member={null} />
        )}
        {children}
      </body>
    </html>
  );
}
