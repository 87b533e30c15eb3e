import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import { displayName } from "@/lib/auth/members";
import { getCurrentUser } from "@/lib/auth/session";
import { signInEnabled } from "@/lib/auth/settings";
import { isDemoGateway } from "@/lib/env";
import "./globals.css";
import { signOutAction } from "./actions";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: "wan-studio",
  description: "Make videos from a first frame, a last frame, an opening clip or a voice track.",
};

// Settings and the session are read per request (never at build time): one build serves the
// demo and a signed-in team.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: ReactNode }) {
  const member = signInEnabled() ? await getCurrentUser() : null;
  return (
    <html lang="en">
      <body>
        <SiteHeader
          demo={isDemoGateway()}
          member={member ? { name: displayName(member), email: member.email } : null}
          signOut={signOutAction}
        />
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
