// One media operation of the media bench (bench/media.bench.mjs), run in a Node process of its
// own so its memory is its own (this file is not a bench itself). It takes one JSON argument
// { bundle, op, args, dir } and prints one JSON line:
// { ms, nodeBaseKb, nodePeakKb, runs: [{ command, args, ms, peakKb }] }
// - ms: wall time of the call into our code (lib/media/*), from the call to its promise;
// - nodeBaseKb / nodePeakKb: this process's VmRSS before the call and VmHWM after it;
// - runs: every ffmpeg our code started, in order, with its exact command line, its wall time
//   and its peak RSS (GNU time's %M, from wait4: exact, not sampled). Each runs under
//   `/usr/bin/time -f "%e %M" -o <file>`, which the bench does the same way for the commands
//   it runs by hand, so both sides carry the same (about 1 ms) cost.
import childProcess from "node:child_process";
import { readFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const { bundle, op, args, dir } = JSON.parse(process.argv[2]);

const runs = [];
const spawn = childProcess.spawn;
childProcess.spawn = (command, commandArgs, options) => {
  const stats = path.join(dir, `.time-${process.pid}-${runs.length}.txt`);
  const run = { command, args: commandArgs, stats };
  runs.push(run);
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%e %M", "-o", stats, command, ...commandArgs], {
    ...options,
  });
  child.once("close", () => {
    run.ms = performance.now() - started;
  });
  return child;
};
// The bundle imports `spawn` from node:child_process as an ES module: make it see ours.
syncBuiltinESMExports();

const status = (field) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync("/proc/self/status", "utf8"))[1]);

const tool = await import(pathToFileURL(bundle).href);
const work = {
  grab: () => tool.extractFrame(args.video, args.pick, dir, args.name),
  cut: () => tool.cutTail(args.video, args.seconds, dir, args.name),
  stitch: () => tool.stitchShots(args.shots, dir, args.name),
}[op];
if (!work) throw new Error(`unknown op ${op}`);

const nodeBaseKb = status("VmRSS");
const started = performance.now();
const result = await work();
const ms = performance.now() - started;
const nodePeakKb = status("VmHWM");
process.stdout.write(
  `${JSON.stringify({
    ms,
    nodeBaseKb,
    nodePeakKb,
    copied: result?.copied,
    seconds: result?.seconds,
    runs: runs.map(({ command, args: commandArgs, ms: runMs, stats }) => ({
      command,
      args: commandArgs,
      ms: runMs,
      peakKb: Number(readFileSync(stats, "utf8").trim().split(/\s+/).at(-1)),
    })),
  })}\n`,
);
