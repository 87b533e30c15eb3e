"use client";

import { useQueries } from "@tanstack/react-query";
import Link from "next/link";
import { useTabQueryClient } from "@/components/query-client";
import { takeLabel } from "@/lib/takes/view";
import { isTerminal, type TaskView } from "@/lib/task-view";
import { useSeenWhenVisible } from "../notify/use-seen";
import type { CancelVideo } from "./cancel-task-button";
import { TaskPanel } from "./task-panel";

/**
 * The takes of one Generate, one panel each: each polls, fails or completes on its own, so a
 * failed take never hides the others. The set's page plays them side by side.
 */
export function TakePanels({
  takeSet,
  pollMs,
  cancelVideo,
}: {
  takeSet: { id: string; taskIds: string[] };
  pollMs: number;
  /** Cancel on a take still waiting in our queue. */
  cancelVideo?: CancelVideo;
}) {
  const count = takeSet.taskIds.length;
  // The panels poll; this only reads what they fetched, to know when the whole set is done.
  const states = useQueries(
    {
      queries: takeSet.taskIds.map((taskId) => ({
        queryKey: ["task", taskId],
        queryFn: (): Promise<TaskView> => Promise.reject(new Error("read from the panels")),
        enabled: false,
      })),
    },
    useTabQueryClient(),
  );
  const done = states.every((state) => state.data && isTerminal(state.data.status));
  useSeenWhenVisible(`set:${takeSet.id}`, done);
  return (
    <div className="flex flex-col gap-4">
      <p className="flex items-center justify-between gap-3 text-sm">
        <span className="font-semibold">{count} takes</span>
        <Link href={`/takes/${takeSet.id}`} className="text-accent font-medium hover:underline">
          Compare takes
        </Link>
      </p>
      <ol aria-label="Takes" className="flex flex-col gap-4">
        {takeSet.taskIds.map((taskId, index) => (
          <li key={taskId} className="border-ink/10 border-t pt-4 first:border-t-0 first:pt-0">
            <p aria-hidden="true" className="text-ink-soft mb-1 text-xs font-semibold uppercase">
              {takeLabel(index + 1, count)}
            </p>
            <TaskPanel
              taskId={taskId}
              pollMs={pollMs}
              withLinks
              cancelVideo={cancelVideo}
              heading={takeLabel(index + 1, count)}
            />
          </li>
        ))}
      </ol>
    </div>
  );
}
