"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { isTerminal, type TaskView } from "@/lib/task-view";
import { ApiError, fetchJson } from "../fetch-json";
import { useTabQueryClient } from "../query-client";

const MAX_BACKOFF_MS = 30_000;

/**
 * Polls our own status route (never the gateway) until the task reaches a terminal state,
 * backing off while requests fail. The server coalesces, so many tabs cost one gateway call.
 */
export function useVideoTask(taskId: string | null, pollMs: number) {
  return useQuery(
    {
      queryKey: ["task", taskId],
      queryFn: () => fetchJson<TaskView>(`/api/tasks/${encodeURIComponent(taskId ?? "")}`),
      enabled: taskId !== null,
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status === 404) && failures < 3,
      refetchInterval: (query) => {
        const task = query.state.data;
        if (task && isTerminal(task.status)) return false;
        if (query.state.error instanceof ApiError && query.state.error.status === 404) return false;
        const failures = query.state.fetchFailureCount;
        return failures > 0 ? Math.min(MAX_BACKOFF_MS, pollMs * 2 ** failures) : pollMs;
      },
      refetchIntervalInBackground: true,
    },
    useTabQueryClient(),
  );
}

/** The current time, ticking every second while `running`. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
