import { stat } from "node:fs/promises";
import path from "node:path";
import { readMediaFacts, runFfmpeg } from "./ffmpeg";

/**
 * One exact frame of a video as a PNG: the decoded frame itself, never a keyframe near it
 * (the complaint users have about other tools' "last frame" is precisely that). No
 * `server-only`: pure ffmpeg work, used by lib/tasks/frames.ts.
 */

export type FramePick = { at: "first" } | { at: "last" } | { at: "time"; seconds: number };

export interface FrameOptions {
  timeoutMs?: number;
  threads?: number;
}

const FRAME_TIMEOUT_MS = 20_000;

/**
 * Writes the frame `pick` names to `<dir>/<name>` (PNG, RGB) and returns its path:
 * - first: the first decoded frame;
 * - last: decoding the final second and keeping only the last frame written (an image2
 *   output that `-update`s one file), so it is the stream's true last frame;
 * - time: the frame a player shows at `seconds` (the one whose display interval holds it).
 *   A player shows frame k from k/fps up to (k+1)/fps; ffmpeg's accurate seek returns the
 *   first frame at or after the seek point, so we seek to a quarter frame before k/fps.
 */
export async function extractFrame(
  video: string,
  pick: FramePick,
  dir: string,
  name = "frame.png",
  options: FrameOptions = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? FRAME_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const output = path.join(/*turbopackIgnore: true*/ dir, name);
  const common = ["-v", "error", "-threads", String(options.threads ?? 2)];
  const png = ["-an", "-sn", "-f", "image2", "-c:v", "png", "-pix_fmt", "rgb24", "-y", output];
  const run = (args: string[]) => runFfmpeg(args, { timeoutMs: left(), rssSampleMs: 0 });

  if (pick.at === "first") {
    await run([...common, "-i", video, "-frames:v", "1", ...png]);
    return whole(output);
  }
  if (pick.at === "time") {
    const facts = await readMediaFacts(video, left());
    const fps = facts.fps && facts.fps > 0 ? facts.fps : 24;
    const index = Math.max(0, Math.floor(pick.seconds * fps + 1e-3));
    const seek = Math.max(0, index / fps - 1 / (4 * fps));
    const lastStart =
      facts.seconds !== undefined ? facts.seconds - 1 / fps : Number.POSITIVE_INFINITY;
    // At or past the last frame's start, it is the last frame.
    if (index / fps < lastStart - 1e-6) {
      await run([...common, "-ss", seek.toFixed(6), "-i", video, "-frames:v", "1", ...png]);
      const made = await stat(output).catch(() => undefined);
      if (made && made.size > 0) return output;
    }
  }
  // The last frame: from a second before the end, then (if the stated length was off and
  // nothing came out) from the start; each frame overwrites one BMP (cheap to write), and
  // the one left is made a PNG once.
  const still = path.join(/*turbopackIgnore: true*/ dir, `${name}.bmp`);
  const bmp = ["-an", "-sn", "-update", "1", "-f", "image2", "-c:v", "bmp", "-y", still];
  await run([...common, "-sseof", "-1", "-i", video, ...bmp]);
  const made = await stat(still).catch(() => undefined);
  if (!made || made.size === 0) await run([...common, "-i", video, ...bmp]);
  await whole(still);
  await run([...common, "-i", still, ...png]);
  return whole(output);
}

async function whole(file: string): Promise<string> {
  const made = await stat(file).catch(() => undefined);
  if (!made || made.size === 0) throw new Error("ffmpeg wrote no frame.");
  return file;
}
