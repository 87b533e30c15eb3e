import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ffmpeg from "@ffmpeg-installer/ffmpeg";

/**
 * Frames of `bytes` (a video or a picture), decoded to RGB by the app's own ffmpeg (the one
 * that grabbed them, so a frame it wrote as a PNG decodes to the very same pixels). `select`
 * keeps only some frames by index (`eq(n,71)+eq(n,72)`), in order: a whole film at 720P is
 * hundreds of megabytes of RGB.
 */
export function decode(bytes: Buffer, name: string, select?: string): Buffer[] {
  const dir = mkdtempSync(path.join(tmpdir(), "wan-e2e-frames-"));
  try {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    const raw = execFileSync(
      ffmpeg.path,
      [
        ...["-v", "error", "-i", file],
        ...(select ? ["-vf", `select='${select}'`] : []),
        ...["-vsync", "0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
      ],
      { maxBuffer: 512 * 1024 * 1024 },
    );
    const size = frameSize(file);
    const out: Buffer[] = [];
    for (let at = 0; at + size <= raw.length; at += size) out.push(raw.subarray(at, at + size));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes of one RGB frame of `file`, from the size ffmpeg reads in its header. */
function frameSize(file: string): number {
  let header = "";
  try {
    execFileSync(ffmpeg.path, ["-hide_banner", "-i", file], {
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (error) {
    header = String((error as { stderr?: Buffer }).stderr ?? "");
  }
  const match = /Video: [^\n]*?(\d{2,5})x(\d{2,5})/.exec(header);
  if (!match) throw new Error(`no picture size in: ${header}`);
  return Number(match[1]) * Number(match[2]) * 3;
}
