"use client";

import { useQueries } from "@tanstack/react-query";
import { isTerminal, type TaskView } from "@/lib/task-view";
import { fetchJson } from "../fetch-json";
import { useTabQueryClient } from "../query-client";

/**
 * Every take of a set, polled like one task (same query keys as useVideoTask, so a take's
 * own panel and this page share one poll), each until its own end.
 */
export function useTakeViews(initial: TaskView[], pollMs: number): TaskView[] {
  const results = useQueries(
    {
      queries: initial.map((view) => ({
        queryKey: ["task", view.id],
        queryFn: () => fetchJson<TaskView>(`/api/tasks/${encodeURIComponent(view.id)}`),
        initialData: view,
        refetchInterval: (query: { state: { data?: TaskView } }) =>
          query.state.data && isTerminal(query.state.data.status) ? false : pollMs,
        refetchIntervalInBackground: true,
      })),
    },
    useTabQueryClient(),
  );
  return results.map((result, index) => result.data ?? initial[index]);
}
