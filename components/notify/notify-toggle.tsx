"use client";

import { useEffect, useId, useState } from "react";
import { CHANGED, notificationsSupported, optedIn, setOptedIn } from "./browser-state";

type State = "unknown" | "unsupported" | "off" | "on" | "blocked";

function current(): State {
  if (!notificationsSupported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  return Notification.permission === "granted" && optedIn() ? "on" : "off";
}

const NOTES: Record<State, string> = {
  unknown: "",
  unsupported: "",
  off: "Finished videos show in the page; turn this on to hear from them while the studio is in the background.",
  on: "A system notification tells you when a video you started finishes while the studio is in the background.",
  blocked:
    "Notifications are blocked for this site in the browser's settings; finished videos show in the page instead.",
};

/**
 * The one place that asks for permission to notify: only when the member presses it, never on
 * load. On: system notifications for videos finished while the studio is hidden. Off, or not
 * allowed: the in-page notices still say it.
 */
export function NotifyToggle() {
  const [state, setState] = useState<State>("unknown");
  const noteId = useId();

  useEffect(() => {
    const sync = () => setState(current());
    sync();
    window.addEventListener("storage", sync);
    window.addEventListener(CHANGED, sync);
    return () => {
      window.removeEventListener("storage", sync);
      window.removeEventListener(CHANGED, sync);
    };
  }, []);

  if (state === "unknown" || state === "unsupported") return null;

  async function toggle() {
    if (state === "on") {
      setOptedIn(false);
      return;
    }
    const permission =
      Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
    setOptedIn(permission === "granted");
    setState(current());
  }

  return (
    <div className="flex items-center text-sm">
      <button
        type="button"
        aria-pressed={state === "on"}
        aria-describedby={noteId}
        disabled={state === "blocked"}
        onClick={() => void toggle()}
        className="border-ink/15 hover:bg-paper-sunk aria-pressed:bg-accent-soft aria-pressed:border-accent/40 rounded-md border px-3 py-1.5 disabled:cursor-not-allowed disabled:opacity-60"
      >
        Notify me when videos finish
      </button>
      <span
        id={noteId}
        className={state === "blocked" ? "text-ink-soft ml-2 max-w-56 text-xs" : "sr-only"}
      >
        {NOTES[state]}
      </span>
    </div>
  );
}
