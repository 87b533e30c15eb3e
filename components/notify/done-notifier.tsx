"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { DoneNotice } from "@/lib/notify/notices";
import {
  addUnseen,
  CHANGED,
  claimAnnouncement,
  clearUnseen,
  isAnnounced,
  notificationsSupported,
  optedIn,
  unseenCount,
} from "./browser-state";
import { NoticeToasts } from "./notice-toasts";
import { useNoticeFeed } from "./use-notice-feed";
import { isShowing } from "./use-seen";
import { useTitleCount } from "./use-title-count";

/** A hidden tab lets a visible one claim first: the person is looking there. */
const HIDDEN_TAB_DEFERS_MS = 600;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Tells me when a video I started finishes, once across my tabs: in a tab I am looking at, a
 * toast (none if the page shows that video already); when no tab of the studio is in view, a
 * system notification if I turned them on (else a toast waiting in the tab), and the tab title
 * counts what finished unseen until I look.
 */
export function DoneNotifier({ pollMs }: { pollMs: number }) {
  const router = useRouter();
  const [toasts, setToasts] = useState<DoneNotice[]>([]);
  const [unseen, setUnseen] = useState(0);

  useEffect(() => {
    const sync = () => setUnseen(unseenCount());
    const look = () => {
      if (document.visibilityState === "visible") clearUnseen();
      sync();
    };
    look();
    window.addEventListener("storage", sync);
    window.addEventListener(CHANGED, sync);
    document.addEventListener("visibilitychange", look);
    return () => {
      window.removeEventListener("storage", sync);
      window.removeEventListener(CHANGED, sync);
      document.removeEventListener("visibilitychange", look);
    };
  }, []);
  useTitleCount(unseen);

  const announce = useCallback(
    async (notice: DoneNotice) => {
      if (isAnnounced(notice.key)) return;
      if (document.visibilityState !== "visible") await sleep(HIDDEN_TAB_DEFERS_MS);
      if (!(await claimAnnouncement(notice.key))) return;
      if (document.visibilityState === "visible") {
        if (!isShowing(notice.key)) setToasts((shown) => [...shown, notice]);
        return;
      }
      addUnseen(notice.key);
      if (optedIn() && notificationsSupported() && Notification.permission === "granted") {
        const shown = new Notification(notice.title, {
          body: notice.body,
          tag: notice.key,
          icon: "/icon-192.png",
        });
        shown.onclick = () => {
          window.focus();
          shown.close();
          if (!isShowing(notice.key)) router.push(notice.url);
        };
        return;
      }
      setToasts((shown) => [...shown, notice]);
    },
    [router],
  );
  useNoticeFeed(pollMs, (notice) => void announce(notice));

  return (
    <NoticeToasts
      notices={toasts}
      dismiss={(key) => setToasts((shown) => shown.filter((notice) => notice.key !== key))}
    />
  );
}
