"use client";

import { useEffect } from "react";
import { claimAnnouncement, isAnnounced } from "./browser-state";

/** Keys shown on this page right now (a task's panel, a take set): no toast for those. */
const showing = new Set<string>();

export function isShowing(key: string): boolean {
  return showing.has(key);
}

/**
 * For a page that shows `key`'s video: while it does, a notice for it needs no toast here,
 * and once it is `done` and someone looks at the page, it counts as seen: nothing announces
 * it afterwards, in any tab.
 */
export function useSeenWhenVisible(key: string | null, done: boolean): void {
  useEffect(() => {
    if (!key) return;
    showing.add(key);
    return () => {
      showing.delete(key);
    };
  }, [key]);
  useEffect(() => {
    if (!key || !done) return;
    const look = () => {
      if (document.visibilityState === "visible" && !isAnnounced(key)) {
        void claimAnnouncement(key);
      }
    };
    look();
    document.addEventListener("visibilitychange", look);
    return () => document.removeEventListener("visibilitychange", look);
  }, [key, done]);
}
