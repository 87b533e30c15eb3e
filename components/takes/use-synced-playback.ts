"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { correctionFor, frameStepTarget, TAKE_FPS } from "@/lib/takes/sync";

/** How often the followers are checked against the lead while playing. */
const TICK_MS = 40;
/** The longest we wait for a player to finish a seek before going on without it. */
const SEEK_WAIT_MS = 3000;
/** HTMLMediaElement.HAVE_FUTURE_DATA: enough to play on from here. */
const CAN_PLAY = 3;

function seeked(video: HTMLVideoElement): Promise<void> {
  if (!video.seeking) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      video.removeEventListener("seeked", done);
      resolve();
    };
    const timer = setTimeout(done, SEEK_WAIT_MS);
    video.addEventListener("seeked", done);
  });
}

/**
 * One transport for several players: the first registered player (in `order`) is the lead
 * and its clock the master. Play, pause, seek, frame steps and speed act on every player; a
 * seek puts every player on the same time. While playing, followers are nudged toward the
 * lead (correctionFor), and when any player stalls or falls far behind, all pause together,
 * line up on the lead's time and start again together.
 */
export function useSyncedPlayback(order: readonly string[], fps = TAKE_FPS) {
  const players = useRef(new Map<string, HTMLVideoElement>());
  const refs = useRef(new Map<string, (element: HTMLVideoElement | null) => void>());
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const [speed, setSpeedState] = useState(1);
  const [sound, setSound] = useState(false);
  /** Playback wanted (the button says Pause) even while paused to wait for a player. */
  const wanted = useRef(false);
  const speedRef = useRef(1);
  const soundRef = useRef(false);
  /** A line-up (pause, seek, play) in progress: the ticks leave the players alone. */
  const busy = useRef(false);
  const orderRef = useRef(order);
  orderRef.current = order;

  const list = useCallback(
    () =>
      orderRef.current
        .map((id) => players.current.get(id))
        .filter((video): video is HTMLVideoElement => video !== undefined),
    [],
  );

  /** Only the lead plays sound, and only when asked: four copies of one track are noise. */
  const applySound = useCallback(() => {
    list().forEach((video, index) => {
      video.muted = !(soundRef.current && index === 0);
    });
  }, [list]);

  const ref = useCallback(
    (id: string) => {
      let callback = refs.current.get(id);
      if (!callback) {
        callback = (element) => {
          if (element) {
            players.current.set(id, element);
            element.muted = true;
            element.playbackRate = speedRef.current;
            const lead = list()[0];
            if (lead?.duration && Number.isFinite(lead.duration)) setDuration(lead.duration);
            // A player that arrives late (a take just finished) starts where the others are.
            if (lead && element !== lead) element.currentTime = lead.currentTime;
            applySound();
          } else {
            players.current.delete(id);
          }
        };
        refs.current.set(id, callback);
      }
      return callback;
    },
    [list, applySound],
  );

  /** Every player to `target`, paused, until all have finished seeking. */
  const lineUp = useCallback(
    async (target: number) => {
      const videos = list();
      for (const video of videos) video.pause();
      for (const video of videos) video.currentTime = target;
      await Promise.all(videos.map(seeked));
      setTime(target);
    },
    [list],
  );

  /** Starts every player at once (each at the current speed), if playback is wanted. */
  const startAll = useCallback(async () => {
    const videos = list();
    if (!wanted.current || videos.length === 0) return;
    for (const video of videos) video.playbackRate = speedRef.current;
    await Promise.all(videos.map((video) => video.play().catch(() => undefined)));
  }, [list]);

  /** Pause everyone, line up on the lead's time, go again together. */
  const resync = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    try {
      const lead = list()[0];
      if (!lead) return;
      await lineUp(lead.currentTime);
      // Wait (paused, together) until every player can play on from here.
      const deadline = Date.now() + 10_000;
      while (
        wanted.current &&
        list().some((video) => video.readyState < CAN_PLAY) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
      await startAll();
    } finally {
      busy.current = false;
    }
  }, [list, lineUp, startAll]);

  const stop = useCallback(() => {
    wanted.current = false;
    setPlaying(false);
    for (const video of list()) video.pause();
    const lead = list()[0];
    if (lead) setTime(lead.currentTime);
  }, [list]);

  // The clock: follow the lead while playing.
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const [lead, ...followers] = list();
      if (!lead || busy.current) return;
      setTime(lead.currentTime);
      // The lead's end is everyone's: followers a hair behind stop with it.
      if (lead.ended) {
        stop();
        return;
      }
      // Stall together: a player waiting for data holds the others back.
      if ([lead, ...followers].some((video) => video.readyState < CAN_PLAY && !video.ended)) {
        void resync();
        return;
      }
      for (const video of followers) {
        if (video.ended) continue;
        const correction = correctionFor(
          lead.currentTime - video.currentTime,
          speedRef.current,
          fps,
        );
        if (correction.kind === "resync") {
          void resync();
          return;
        }
        if (Math.abs(video.playbackRate - correction.rate) > 1e-3) {
          video.playbackRate = correction.rate;
        }
      }
      if (Math.abs(lead.playbackRate - speedRef.current) > 1e-3) {
        lead.playbackRate = speedRef.current;
      }
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, list, resync, stop, fps]);

  const play = useCallback(async () => {
    const lead = list()[0];
    if (!lead) return;
    wanted.current = true;
    setPlaying(true);
    busy.current = true;
    try {
      // From the end, start over; otherwise from where the lead is, every player with it.
      const from = lead.ended || lead.currentTime >= lead.duration - 1e-3 ? 0 : lead.currentTime;
      await lineUp(from);
      await startAll();
    } finally {
      busy.current = false;
    }
  }, [list, lineUp, startAll]);

  const toggle = useCallback(() => {
    if (wanted.current) stop();
    else void play();
  }, [play, stop]);

  /** Every player to `target`; playback goes on if it was on. */
  const seek = useCallback(
    async (target: number) => {
      busy.current = true;
      try {
        await lineUp(target);
        await startAll();
      } finally {
        busy.current = false;
      }
    },
    [lineUp, startAll],
  );

  /** One frame forward (1) or back (-1): playback stops, as in any editor. */
  const step = useCallback(
    async (frames: number) => {
      const lead = list()[0];
      if (!lead) return;
      if (wanted.current) stop();
      await seek(frameStepTarget(lead.currentTime, frames, lead.duration, fps));
    },
    [list, seek, stop, fps],
  );

  const setSpeed = useCallback(
    (next: number) => {
      speedRef.current = next;
      setSpeedState(next);
      for (const video of list()) video.playbackRate = next;
    },
    [list],
  );

  const toggleSound = useCallback(() => {
    soundRef.current = !soundRef.current;
    setSound(soundRef.current);
    applySound();
  }, [applySound]);

  /** The lead's metadata gives the scrubber its length; its end stops everyone. */
  const onLoadedMetadata = useCallback(
    (id: string) => {
      const lead = list()[0];
      if (lead && players.current.get(id) === lead && Number.isFinite(lead.duration)) {
        setDuration(lead.duration);
      }
    },
    [list],
  );

  return {
    ref,
    playing,
    time,
    duration,
    speed,
    sound,
    toggle,
    seek,
    step,
    setSpeed,
    toggleSound,
    onLoadedMetadata,
  };
}

export type SyncedPlayback = ReturnType<typeof useSyncedPlayback>;
