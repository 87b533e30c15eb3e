"use client";

import { type DehydratedState, HydrationBoundary } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { getQueryClient, SeededQueryClient } from "@/components/query-client";

/**
 * Puts what the server already knows of a task into the tab's one query client (there is no
 * provider in the layout: see query-client.ts), so the task page shows a finished video in its
 * first HTML instead of after the first poll.
 */
export function SeededTask({ state, children }: { state: DehydratedState; children: ReactNode }) {
  // In the browser the tab's client; on the server one for this render, which the hooks under
  // it read through SeededQueryClient.
  const [client] = useState(getQueryClient);
  return (
    <SeededQueryClient value={client}>
      <HydrationBoundary state={state} queryClient={client}>
        {children}
      </HydrationBoundary>
    </SeededQueryClient>
  );
}
