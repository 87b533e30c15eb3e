import { QueryClient } from "@tanstack/react-query";
import { createContext, useContext } from "react";

/**
 * The browser's one QueryClient, made the first time a polling component renders. The hooks
 * hand it to react-query themselves (`useQuery(options, getQueryClient())`) instead of a
 * provider around every page in the root layout: a page that polls nothing (the empty studio,
 * history, sign-in) then loads no react-query at all. One client per tab, so a task's panel
 * and its facts share a poll (same query key); on the server a fresh one per call, so no
 * cache is ever shared between requests (TanStack's "advanced server rendering" guide).
 */
let browserClient: QueryClient | undefined;

function makeQueryClient() {
  return new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } });
}

export function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  if (!browserClient) {
    browserClient = makeQueryClient();
    // What QueryClientProvider did on mount: follow the tab's focus and online state (a poll
    // that failed offline resumes when the connection returns). Never unmounted, as the
    // provider in the root layout never was.
    browserClient.mount();
  }
  return browserClient;
}

/**
 * The client a seeded page (SeededTask) filled with what the server knew. On the server this
 * is the one client of that render: without it, each hook would get a fresh, empty client and
 * render "Loading…" where the browser, holding the seed, renders the video (a hydration
 * mismatch, and the video only after the scripts).
 */
export const SeededQueryClient = createContext<QueryClient | null>(null);

/** For hooks: the seeded page's client when there is one, else the tab's (see above). */
export function useTabQueryClient(): QueryClient {
  return useContext(SeededQueryClient) ?? getQueryClient();
}
