// Media bench: the toolbox's work on kept videos at 1080P, as the studio runs it. Figures per
// case, the median of BENCH_RUNS (3) runs (the export: BENCH_EXPORT_RUNS, 1), wall time and
// ffmpeg's peak RSS where the code reports it:
// - a last-frame grab (lib/media/frames.ts extractFrame, "Use last frame"): decides whether a
//   frame grab may stay in the request (target ≤ 1 s) or becomes a job like the cut;
// - tail cuts of 3 s and 10 s (lib/media/clips.ts cutTail, "Continue"): a job since they take
//   seconds;
// - a 3-shot export (lib/media/stitch.ts stitchShots) of 15 s 1080P shots, each continuing
//   the one before from its last 3 s (39 s of film): a job on the sweeper/cron.
//
// How: esbuild bundles the modules the app runs into bench/.out; the shots are real demo
// renders (lib/gateway/demo/render.ts) made first (not timed). No build or server needed.
// Run with `npm run bench -- media` (under the e2e lock: it keeps both cores busy).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { root } from "./shared.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const EXPORT_RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 1);
const outDir = path.join(root, "bench", ".out");
const media = (name) => path.join(root, "e2e", "media", name);
const fontFile = path.join(root, "lib/gateway/demo/assets/demo-caption-font.ttf");

const TARGETS = { grab: 1_000, cut3: 8_000, cut10: 20_000, export: 120_000 };

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function loadToolbox() {
  mkdirSync(outDir, { recursive: true });
  const entry = path.join(outDir, "media.entry.ts");
  writeFileSync(
    entry,
    [
      `export { renderDemoVideo } from ${JSON.stringify(path.join(root, "lib/gateway/demo/render.ts"))};`,
      `export { cutTail } from ${JSON.stringify(path.join(root, "lib/media/clips.ts"))};`,
      `export { extractFrame } from ${JSON.stringify(path.join(root, "lib/media/frames.ts"))};`,
      `export { stitchShots } from ${JSON.stringify(path.join(root, "lib/media/stitch.ts"))};`,
    ].join("\n"),
  );
  const bundle = path.join(outDir, "media.bundle.mjs");
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    outfile: bundle,
    logLevel: "error",
  });
  return import(pathToFileURL(bundle).href);
}

async function timed(runs, work) {
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const started = Date.now();
    last = await work(i);
    times.push(Date.now() - started);
  }
  return { ms: median(times), all: times, last };
}

function verdict(name, ms, target, extra = "") {
  const pass = ms <= target;
  log(`${pass ? "PASS" : "MISS"} ${name}: ${ms} ms (target ≤ ${target} ms)${extra}`);
}

const tool = await loadToolbox();
const work = mkdtempSync(path.join(os.tmpdir(), "wan-bench-media-"));
try {
  log(`${os.cpus().length} cores, ${RUNS} runs per case (median), export ${EXPORT_RUNS}`);
  const started = Date.now();
  const shot = (name) => path.join(work, name);
  await tool.renderDemoVideo(
    { firstFrame: media("landscape.jpg"), drivingAudio: media("voice.mp3") },
    { seconds: 15, size: "1080P", prompt: "The harbour at dawn" },
    shot("a.mp4"),
    { fontFile },
  );
  const clipA = await tool.cutTail(shot("a.mp4"), 3, work, "clip-a.mp4");
  await tool.renderDemoVideo(
    { firstClip: clipA.file },
    { seconds: 15, size: "1080P", prompt: "Boats leave" },
    shot("b.mp4"),
    { fontFile },
  );
  const clipB = await tool.cutTail(shot("b.mp4"), 3, work, "clip-b.mp4");
  await tool.renderDemoVideo(
    { firstClip: clipB.file },
    { seconds: 15, size: "1080P", prompt: "Out to sea" },
    shot("c.mp4"),
    { fontFile },
  );
  log(`three 15 s 1080P shots rendered in ${Date.now() - started} ms (not timed below)`);

  const grab = await timed(RUNS, (i) =>
    tool.extractFrame(shot("a.mp4"), { at: "last" }, work, `last-${i}.png`),
  );
  verdict("last-frame grab, 15 s 1080P", grab.ms, TARGETS.grab, ` [${grab.all.join(", ")}]`);
  const first = await timed(RUNS, (i) =>
    tool.extractFrame(shot("a.mp4"), { at: "first" }, work, `first-${i}.png`),
  );
  log(`     first-frame grab, 15 s 1080P: ${first.ms} ms [${first.all.join(", ")}]`);

  for (const [seconds, target] of [
    [3, TARGETS.cut3],
    [10, TARGETS.cut10],
  ]) {
    const cut = await timed(RUNS, (i) =>
      tool.cutTail(shot("a.mp4"), seconds, work, `tail-${seconds}-${i}.mp4`),
    );
    verdict(
      `${seconds} s tail cut, 1080P (${cut.last.copied ? "stream copy" : "re-encoded"})`,
      cut.ms,
      target,
      ` [${cut.all.join(", ")}]`,
    );
  }

  const film = await timed(EXPORT_RUNS, (i) =>
    tool.stitchShots(
      [
        { file: shot("a.mp4"), skipSeconds: 0 },
        { file: shot("b.mp4"), skipSeconds: 3 },
        { file: shot("c.mp4"), skipSeconds: 3 },
      ],
      work,
      `film-${i}.mp4`,
    ),
  );
  verdict(
    `3-shot export, 15 s 1080P shots (${film.last.seconds.toFixed(1)} s of film)`,
    film.ms,
    TARGETS.export,
    `, ffmpeg peak RSS ${Math.round(film.last.peakRssKb / 1024)} MiB, ${(film.last.seconds / (film.ms / 1000)).toFixed(2)}× real time`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
