import Link from "next/link";

export function SiteHeader({ demo }: { demo: boolean }) {
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
        </nav>
        {demo ? (
          <p className="bg-warning-soft text-warning rounded-full px-3 py-1 text-sm font-medium">
            Demo mode: videos come from the built-in demo gateway, nothing is billed.
          </p>
        ) : null}
      </div>
    </header>
  );
}
