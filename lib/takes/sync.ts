/**
 * The arithmetic of playing several takes in sync, kept pure so it is tested on its own. The
 * take set page's players follow one lead player (the master clock): a seek sets every player
 * to the same time; during playback a follower more than half a frame off is nudged with a
 * slightly faster or slower playback rate, and one far off (or stalled) makes every player
 * pause, line up on the lead's time, and start again together.
 */

/** wan2.7-i2v (and the demo gateway's sample videos) deliver 24 frames per second. */
export const TAKE_FPS = 24;

/** The speeds offered, slowest first. */
export const PLAYBACK_SPEEDS = [0.25, 0.5, 1, 1.5, 2] as const;

/** A follower further off than this is lined up again (pause, seek, play), not nudged. */
export const RESYNC_SECONDS = 0.25;

/** How hard a nudge pulls: rate change per second of drift, and its ceiling. */
const GAIN_PER_SECOND = 4;
const MAX_NUDGE = 0.25;

export type Correction = { kind: "rate"; rate: number } | { kind: "resync" };

/**
 * What to do with a follower `drift` seconds behind the lead (negative: ahead), at `speed`.
 * Within a quarter of a frame it plays at the speed; beyond half a frame it is nudged by a
 * rate proportional to the drift (at most ±25 %), and beyond RESYNC_SECONDS it needs a
 * resync. Between a quarter and a half frame the nudge is gentle, so players settle instead
 * of hunting around the threshold.
 */
export function correctionFor(drift: number, speed: number, fps = TAKE_FPS): Correction {
  const size = Math.abs(drift);
  if (size > RESYNC_SECONDS) return { kind: "resync" };
  if (size <= 0.25 / fps) return { kind: "rate", rate: speed };
  const nudge = Math.max(-MAX_NUDGE, Math.min(MAX_NUDGE, drift * GAIN_PER_SECOND));
  return { kind: "rate", rate: speed * (1 + nudge) };
}

/** The index of the frame shown at `time` (a frame spans [n/fps, (n+1)/fps)). */
export function frameAt(time: number, fps = TAKE_FPS): number {
  // A hair of slack: 0.125 s × 24 is 2.9999999 in floating point, and means frame 3.
  return Math.max(0, Math.floor(time * fps + 1e-6));
}

/**
 * Where a frame step lands: `frames` frames from the one shown, clamped to the video, in the
 * middle of the frame so every player shows the same one whatever its rounding.
 */
export function frameStepTarget(
  time: number,
  frames: number,
  duration: number,
  fps = TAKE_FPS,
): number {
  const last = Number.isFinite(duration) && duration > 0 ? Math.ceil(duration * fps) - 1 : 0;
  const frame = Math.min(Math.max(frameAt(time, fps) + frames, 0), Math.max(0, last));
  return (frame + 0.5) / fps;
}

/** The widest gap between players' times, in seconds (0 for fewer than two). */
export function spread(times: readonly number[]): number {
  if (times.length < 2) return 0;
  return Math.max(...times) - Math.min(...times);
}

/** "0:01.25": a time on the scrubber. */
export function formatPosition(seconds: number): string {
  const safe = Number.isFinite(seconds) ? Math.max(0, seconds) : 0;
  const minutes = Math.floor(safe / 60);
  const rest = safe - minutes * 60;
  return `${minutes}:${rest.toFixed(2).padStart(5, "0")}`;
}
