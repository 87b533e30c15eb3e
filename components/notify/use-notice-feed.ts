"use client";

import { useEffect, useRef } from "react";
import type { DoneNotice } from "@/lib/notify/notices";
import { pendingStarted } from "./browser-state";

const CHANNEL = "wan-studio:notify";
/** Asked back a little before the oldest start: clocks of browser and server differ. */
const CLOCK_SLACK_MS = 60_000;

/**
 * Hands every tab the notices for videos this browser started. One tab at a time asks the
 * server (the holder of a Web Lock; another takes over when it closes), and only while a
 * started video is still unannounced; it passes what it hears to the other tabs over a
 * BroadcastChannel. Without Web Locks every tab asks; announcing stays once (browser-state).
 */
export function useNoticeFeed(pollMs: number, onNotice: (notice: DoneNotice) => void): void {
  const handler = useRef(onNotice);
  handler.current = onNotice;

  useEffect(() => {
    const channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
    channel?.addEventListener("message", (event: MessageEvent<DoneNotice>) =>
      handler.current(event.data),
    );
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const ask = async () => {
      const pending = pendingStarted();
      if (pending.length === 0) return;
      const since = Math.min(...pending.map((entry) => entry.at)) - CLOCK_SLACK_MS;
      const response = await fetch(`/api/notifications?since=${Math.max(0, since)}`, {
        signal: stop.signal,
        cache: "no-store",
      });
      if (!response.ok) return;
      const { notices } = (await response.json()) as { notices: DoneNotice[] };
      const wanted = new Set(pending.map((entry) => entry.key));
      for (const notice of notices.filter((item) => wanted.has(item.key))) {
        channel?.postMessage(notice);
        handler.current(notice);
      }
    };

    const poll = () =>
      new Promise<void>((resolve) => {
        const round = () => {
          if (stop.signal.aborted) return resolve();
          ask()
            .catch(() => {})
            .finally(() => {
              if (stop.signal.aborted) return resolve();
              timer = setTimeout(round, pollMs);
            });
        };
        round();
      });

    if ("locks" in navigator) {
      navigator.locks
        .request("wan-studio:notify:poller", { signal: stop.signal }, poll)
        .catch(() => {});
    } else {
      void poll();
    }
    return () => {
      stop.abort();
      if (timer) clearTimeout(timer);
      channel?.close();
    };
  }, [pollMs]);
}
