import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RevokeShareButton } from "@/components/review/revoke-share-button";
import { requirePageUser } from "@/lib/auth/session";
import { allShareLinks } from "@/lib/review";
import { revokeShareLink } from "../actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Share links · wan-studio" };

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

const stateLabels = { active: "Active", expired: "Expired", revoked: "Revoked" } as const;

/** Every share link the team made (admins only): what it opens, its state, revoke. */
export default async function ShareLinksPage() {
  const user = await requirePageUser("/shares");
  if (!user.isAdmin) notFound();
  const links = await allShareLinks();
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Share links</h1>
        <p className="text-ink-soft text-sm">
          Every public link the team made, newest first. A revoked or expired link opens nothing.
        </p>
      </div>
      {links.length === 0 ? (
        <p role="status" className="bg-paper-sunk text-ink-soft rounded-lg px-4 py-6 text-center">
          No share links yet.
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Share links</caption>
            <thead className="text-ink-soft text-xs uppercase">
              <tr>
                <th scope="col" className="py-2 pr-3">
                  Video
                </th>
                <th scope="col" className="py-2 pr-3">
                  State
                </th>
                <th scope="col" className="py-2 pr-3">
                  Made by
                </th>
                <th scope="col" className="py-2 pr-3">
                  Expires
                </th>
                <th scope="col" className="py-2 pr-3">
                  Allows
                </th>
                <th scope="col" className="py-2 pr-3">
                  Opened
                </th>
                <th scope="col" className="py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {links.map((link) => (
                <tr key={link.id} className="border-ink/10 border-t">
                  <td className="max-w-64 truncate py-2 pr-3">
                    {link.targetKind === "sequence_export" ? (
                      link.videoGone ? (
                        <span className="text-ink-faint">Deleted sequence</span>
                      ) : (
                        <Link
                          href={`/sequences/${link.targetId}`}
                          className="text-accent hover:underline"
                        >
                          Film of sequence {link.targetId}
                        </Link>
                      )
                    ) : link.videoGone ? (
                      <span className="text-ink-faint">Deleted video</span>
                    ) : (
                      <Link
                        href={`/videos/${link.targetId}`}
                        className="text-accent hover:underline"
                      >
                        {link.prompt ?? link.targetId}
                      </Link>
                    )}
                  </td>
                  <td className="py-2 pr-3">{stateLabels[link.state]}</td>
                  <td className="py-2 pr-3">{link.createdByName}</td>
                  <td className="py-2 pr-3 whitespace-nowrap">
                    {dateFormat.format(link.expiresAt)} UTC
                  </td>
                  <td className="py-2 pr-3">
                    {[
                      link.allowDownload ? "download" : null,
                      link.showSettings ? "prompt" : null,
                      link.allowComments ? "comments" : null,
                    ]
                      .filter(Boolean)
                      .join(", ") || "viewing only"}
                  </td>
                  <td className="py-2 pr-3 tabular-nums">{link.opens}×</td>
                  <td className="py-2">
                    <RevokeShareButton
                      linkId={link.id}
                      active={link.state === "active"}
                      revoke={revokeShareLink}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
