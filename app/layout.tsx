import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import { isDemoGateway } from "@/lib/env";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: "wan-studio",
  description: "Make videos from a first frame, a last frame, an opening clip or a voice track.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SiteHeader demo={isDemoGateway()} />
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
