import Link from "next/link";
import { NotifyToggle } from "./notify/notify-toggle";

/** The signed-in member, when sign-in is on. */
export interface HeaderMember {
  name: string;
  email: string;
}

/** Comments by others on my work that I have not read, and where the latest one is. */
export interface HeaderNewComments {
  count: number;
  latest: { kind: "task" | "take_set"; id: string } | null;
}

export function SiteHeader({
  demo,
  member,
  signOut,
  notify = false,
  webhooksLink = false,
  newComments,
  admin = false,
}: {
  /** Admins also see the team's share links. */
  admin?: boolean;
  demo: boolean;
  /** Someone is signed in (or the demo's local user): offer the notifications control. */
  notify?: boolean;
  /** An admin, with team webhooks set: a link to their deliveries. */
  webhooksLink?: boolean;
  member?: HeaderMember | null;
  newComments?: HeaderNewComments | null;
  /** The sign-out server action (passed in: components don't import app/). */
  signOut?: () => Promise<void>;
}) {
  return (
    <header className="border-ink/10 bg-paper-raised border-b">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <nav aria-label="Main" className="flex items-center gap-6">
          <Link href="/" className="text-lg font-bold tracking-tight">
            wan-studio
          </Link>
          <Link href="/" className="text-ink-soft hover:text-ink text-sm">
            Studio
          </Link>
          <Link href="/videos" className="text-ink-soft hover:text-ink text-sm">
            History
          </Link>
          <Link href="/usage" className="text-ink-soft hover:text-ink text-sm">
            Usage
          </Link>
          {webhooksLink ? (
            <Link href="/admin/webhooks" className="text-ink-soft hover:text-ink text-sm">
              Webhooks
            </Link>
          ) : null}
          {admin ? (
            <Link href="/shares" className="text-ink-soft hover:text-ink text-sm">
              Share links
            </Link>
          ) : null}
        </nav>
        <div className="flex flex-wrap items-center gap-3">
          {notify ? <NotifyToggle /> : null}
          {newComments && newComments.count > 0 && newComments.latest ? (
            <Link
              href={`/${newComments.latest.kind === "task" ? "videos" : "takes"}/${newComments.latest.id}#comments`}
              className="bg-accent-soft text-accent-strong rounded-full px-3 py-1 text-sm font-medium hover:underline"
            >
              {newComments.count === 1 ? "1 new comment" : `${newComments.count} new comments`}
            </Link>
          ) : null}
          {demo ? (
            <p className="bg-warning-soft text-warning rounded-full px-3 py-1 text-sm font-medium">
              Demo mode: videos come from the built-in demo gateway, nothing is billed.
            </p>
          ) : null}
          {member ? (
            <div className="flex items-center gap-3 text-sm">
              <p className="flex flex-col leading-tight">
                <span className="font-medium">{member.name}</span>
                {member.name !== member.email ? (
                  <span className="text-ink-soft text-xs">{member.email}</span>
                ) : null}
              </p>
              {signOut ? (
                <form action={signOut}>
                  <button
                    type="submit"
                    className="border-ink/15 hover:bg-paper-sunk rounded-md border px-3 py-1.5"
                  >
                    Sign out
                  </button>
                </form>
              ) : null}
            </div>
          ) : null}
        </div>
      </div>
    </header>
  );
}
