import { Suspense } from "react";
import { Studio } from "@/components/studio/studio";
import { env, isDemoGateway } from "@/lib/env";
import { submitVideo } from "./actions";

// Settings are read at request time, so one build runs in demo mode or against a gateway.
export const dynamic = "force-dynamic";

export default function StudioPage() {
  const demo = isDemoGateway();
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-8 px-4 py-8 sm:px-6">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">wan-studio</h1>
          <p className="text-ink-soft text-sm">
            Image-to-video with wan2.7-i2v: a first frame, a last frame, an opening clip or a voice.
          </p>
        </div>
        {demo ? (
          <p className="bg-warning-soft text-warning rounded-full px-3 py-1 text-sm font-medium">
            Demo mode: videos come from the built-in demo gateway, nothing is billed.
          </p>
        ) : null}
      </header>
      <Suspense>
        <Studio pollMs={Math.min(env().POLL_INTERVAL_MS, 5000)} submit={submitVideo} />
      </Suspense>
    </main>
  );
}
