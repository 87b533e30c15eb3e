// Render bench: how long the demo gateway takes to render a result from its inputs
// (lib/gateway/demo/render.ts, the ffmpeg of @ffmpeg-installer), and how much memory ffmpeg
// holds. Cases: a 5 s 720P video from a first frame (what most e2e specs make, with 400 ms
// stages: 1.6 s from create to the last stage), and 15 s 1080P ones (the longest the model
// makes) from a first frame + last frame + driving audio, and from a first clip + last frame.
// Figures per case, the median of BENCH_RUNS (3) runs: wall time of the whole render (probing,
// a clip's last frame, the render), ffmpeg's own time for the render command, and ffmpeg's
// peak RSS (its VmHWM, read every 100 ms).
//
// How: esbuild bundles render.ts (the same code the app runs) into bench/.out; inputs are
// the e2e fixtures. No build or server needed. Run with `npm run bench -- render`. Prints
// figures and PASS/MISS; a MISS does not fail the run.
import { mkdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { root } from "./shared.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const outDir = path.join(root, "bench", ".out");
const media = (name) => path.join(root, "e2e", "media", name);
const fontFile = path.join(root, "lib/gateway/demo/assets/demo-caption-font.ttf");

/** Targets: a 5 s 720P render well inside an e2e task's stages; 15 s 1080P in seconds. */
const TARGETS = {
  "5 s 720P": { ms: 2_000, rssMiB: 150 },
  "15 s 1080P": { ms: 8_000, rssMiB: 250 },
};

const CASES = [
  {
    name: "5 s 720P, first frame",
    target: "5 s 720P",
    inputs: { firstFrame: media("landscape.jpg") },
    spec: { seconds: 5, size: "720P", prompt: "A slow push in over the bay" },
  },
  {
    name: "15 s 1080P, first + last frame + audio",
    target: "15 s 1080P",
    inputs: {
      firstFrame: media("portrait.png"),
      lastFrame: media("ending.png"),
      drivingAudio: media("voice.mp3"),
    },
    spec: { seconds: 15, size: "1080P", prompt: "Into the evening", seed: 1 },
  },
  {
    name: "15 s 1080P, first clip + last frame",
    target: "15 s 1080P",
    inputs: { firstClip: media("clip.mp4"), lastFrame: media("ending.png") },
    spec: { seconds: 15, size: "1080P", prompt: "And on it goes", seed: 2 },
  },
];

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function loadRender() {
  mkdirSync(outDir, { recursive: true });
  const bundle = path.join(outDir, "render.bundle.mjs");
  await build({
    entryPoints: [path.join(root, "lib/gateway/demo/render.ts")],
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

const { renderDemoVideo } = await loadRender();
log(
  `${os.cpus().length} CPUs, load ${os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(" ")}; ${RUNS} runs each`,
);

const work = path.join(outDir, "renders");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const results = [];
for (const item of CASES) {
  const runs = [];
  for (let run = 0; run < RUNS; run++) {
    const output = path.join(work, `${item.target.replace(/\W+/g, "-")}-${run}.mp4`);
    const started = performance.now();
    const result = await renderDemoVideo(item.inputs, item.spec, output, { fontFile });
    runs.push({
      wall: performance.now() - started,
      ffmpeg: result.wallMs,
      rssMiB: result.peakRssKb / 1024,
      bytes: statSync(output).size,
      size: `${result.width}×${result.height}`,
    });
  }
  const figures = {
    wall: median(runs.map((r) => r.wall)),
    ffmpeg: median(runs.map((r) => r.ffmpeg)),
    rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
    bytes: median(runs.map((r) => r.bytes)),
  };
  results.push({ item, figures });
  log(
    `${item.name} (${runs[0].size}): wall ${figures.wall.toFixed(0)} ms (runs: ${runs
      .map((r) => r.wall.toFixed(0))
      .join(", ")}), ffmpeg's render command ${figures.ffmpeg.toFixed(0)} ms, ` +
      `peak RSS ${figures.rssMiB.toFixed(0)} MiB, ${(figures.bytes / 1024 / 1024).toFixed(2)} MB`,
  );
}
rmSync(work, { recursive: true, force: true });

log();
for (const { item, figures } of results) {
  const target = TARGETS[item.target];
  log(
    `${figures.wall <= target.ms ? "PASS" : "MISS"} ${item.name}: ${figures.wall.toFixed(0)} ms (target ≤ ${target.ms} ms)`,
  );
  log(
    `${figures.rssMiB <= target.rssMiB ? "PASS" : "MISS"} ${item.name}: ffmpeg peak RSS ${figures.rssMiB.toFixed(0)} MiB (target ≤ ${target.rssMiB} MiB)`,
  );
}
