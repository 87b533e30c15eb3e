"use client";

import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

/** What the review panel needs of a player: where it is, and a way to go somewhere. */
export interface PlayerHandle {
  currentTime(): number;
  seek(seconds: number): void;
}

/** A comment's pin, as the scrubber marks it. */
export interface Pin {
  id: string;
  atSeconds: number;
  label: string;
}

interface PlayerLink {
  handle: PlayerHandle | null;
  register(handle: PlayerHandle | null): void;
  duration: number;
  setDuration(seconds: number): void;
  pins: Pin[];
  setPins(pins: Pin[]): void;
}

const PlayerLinkContext = createContext<PlayerLink | null>(null);

/**
 * Joins a page's player (the video page's, or a take set's synced transport) to its review
 * panel: pins seek the player, new comments read its time, and the player marks the pins.
 */
export function PlayerLinkProvider({ children }: { children: ReactNode }) {
  const [handle, setHandle] = useState<PlayerHandle | null>(null);
  const [duration, setDuration] = useState(0);
  const [pins, setPins] = useState<Pin[]>([]);
  const register = useCallback((next: PlayerHandle | null) => setHandle(() => next), []);
  const value = useMemo(
    () => ({ handle, register, duration, setDuration, pins, setPins }),
    [handle, register, duration, pins],
  );
  return <PlayerLinkContext.Provider value={value}>{children}</PlayerLinkContext.Provider>;
}

/** The page's player link, or null where no review panel is on the page. */
export function usePlayerLink(): PlayerLink | null {
  return useContext(PlayerLinkContext);
}
