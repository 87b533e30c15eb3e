"use client";

/**
 * What the studio's tabs share about "done" notices, in localStorage (one browser profile):
 * which videos this browser started (only those are announced), which were announced already
 * (once across tabs), which finished unseen (the tab title's count), and the opt-in to system
 * notifications. Tabs hear each other's changes through `storage` events.
 */

const STARTED = "wan-studio:notify:started";
const ANNOUNCED = "wan-studio:notify:announced";
const UNSEEN = "wan-studio:notify:unseen";
const OPT_IN = "wan-studio:notify:opt-in";
/** Fired in this tab when it changes the shared state (`storage` fires only in the others). */
export const CHANGED = "wan-studio:notify-changed";

/** A started video is forgotten after a day: a notice older than that is no news. */
const STARTED_TTL_MS = 24 * 3600 * 1000;
const KEEP_ANNOUNCED = 300;

interface Started {
  key: string;
  at: number;
}

function read<T>(name: string, fallback: T): T {
  try {
    const text = localStorage.getItem(name);
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

function write(name: string, value: unknown): void {
  try {
    localStorage.setItem(name, JSON.stringify(value));
  } catch {
    // Storage full or blocked: notices then simply show once per tab.
  }
  window.dispatchEvent(new Event(CHANGED));
}

/** The videos this browser started and has not announced yet. */
export function pendingStarted(now = Date.now()): Started[] {
  const announced = new Set(read<string[]>(ANNOUNCED, []));
  return read<Started[]>(STARTED, []).filter(
    (entry) => now - entry.at < STARTED_TTL_MS && !announced.has(entry.key),
  );
}

/** Called by the studio when a Generate was accepted. */
export function rememberStarted(key: string): void {
  const now = Date.now();
  const kept = read<Started[]>(STARTED, []).filter(
    (entry) => entry.key !== key && now - entry.at < STARTED_TTL_MS,
  );
  write(STARTED, [...kept, { key, at: now }]);
}

export function isAnnounced(key: string): boolean {
  return read<string[]>(ANNOUNCED, []).includes(key);
}

/**
 * Claims the right to announce `key`: true for exactly one caller across this browser's tabs.
 * The check and the write run under a Web Lock, so two tabs cannot both see "not yet".
 */
export async function claimAnnouncement(key: string): Promise<boolean> {
  const claim = () => {
    const announced = read<string[]>(ANNOUNCED, []);
    if (announced.includes(key)) return false;
    write(ANNOUNCED, [...announced, key].slice(-KEEP_ANNOUNCED));
    const started = read<Started[]>(STARTED, []);
    write(
      STARTED,
      started.filter((entry) => entry.key !== key),
    );
    return true;
  };
  if (!("locks" in navigator)) return claim();
  return navigator.locks.request("wan-studio:notify:announce", claim);
}

export function unseenCount(): number {
  return read<string[]>(UNSEEN, []).length;
}

export function addUnseen(key: string): void {
  const unseen = read<string[]>(UNSEEN, []);
  if (!unseen.includes(key)) write(UNSEEN, [...unseen, key]);
}

export function clearUnseen(): void {
  if (read<string[]>(UNSEEN, []).length > 0) write(UNSEEN, []);
}

export function optedIn(): boolean {
  return read<boolean>(OPT_IN, false);
}

export function setOptedIn(value: boolean): void {
  write(OPT_IN, value);
}

/** Whether this browser has the Notification API at all. */
export function notificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}
