"use client";

import { type DehydratedState, HydrationBoundary } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getQueryClient } from "@/components/query-client";

/**
 * Puts what the server already knows of a task into the tab's one query client (there is no
 * provider in the layout: see query-client.ts), so the task page shows a finished video in its
 * first HTML instead of after the first poll.
 */
export function SeededTask({ state, children }: { state: DehydratedState; children: ReactNode }) {
  return (
    <HydrationBoundary state={state} queryClient={getQueryClient()}>
      {children}
    </HydrationBoundary>
  );
}
