// Queue bench: 40 tasks from 8 members through a team-wide cap of 4 (MAX_CONCURRENT_TASKS),
// in front of a gateway that answers 429 past 4 running tasks (the demo gateway with
// DEMO_GATEWAY_MAX_RUNNING=4), nobody watching: the sweeper of `next start` and the refresh
// path alone move the queue. Figures:
// - creates sent per task, accepted per task (target exactly 1.00), duplicates (target 0),
//   429s, all read from the gateway's own record of creates;
// - idle slot time: from a task's end at the gateway to the next create that reaches it and is
//   accepted, for each slot freed while tasks waited (target p95 ≤ one POLL_INTERVAL_MS: we
//   can only learn of an end by asking, once per interval);
// - database queries per queued task per minute: every query the app sent, counted on the
//   wire by a proxy in front of Postgres, over the task-minutes spent waiting.
//
// How: the production build twice: the app under test on a fresh Postgres database (through
// the counting proxy), and a second instance whose demo gateway (capped, keeping its record
// under its DATA_DIR) is the app's gateway. One first frame is uploaded through the upload
// route; then 8 members each add 5 tasks to the queue at once, one member every 1.5 s, as rows
// `waiting` (with sign-in off the studio has one member, so the rows are written as the action
// writes them, with 8 owners).
//
// Needs the production build (`npm run build`) and TEST_DATABASE_URL (a Postgres server we
// may create a database on); without it the bench says so and stops. Env: BENCH_TASKS (40),
// BENCH_MEMBERS (8). Prints figures and PASS/MISS; a MISS does not fail the run.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

import {
  freePort,
  percentile,
  root,
  sleep,
  snapshotBuild,
  startNext,
  stopGroup,
  waitForServer,
} from "./shared.mjs";

const TASKS = Number(process.env.BENCH_TASKS ?? 40);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 8);
const CAP = 4;
const POLL_INTERVAL_MS = 2000;
// 4 stages: 6.8 s a task. The demo's length is fixed, so how long an end waits for our next
// look is set by its length modulo the interval; 6.8 s is not a multiple of 2 s, as real
// lengths are not.
const DEMO_STEP_MS = 1700;
const SWEEP_INTERVAL_MS = 5000;
const MEMBER_EVERY_MS = 1500;
const TARGETS = { acceptedPerTask: 1, duplicates: 0, idleP95Ms: POLL_INTERVAL_MS };

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

/**
 * A TCP proxy in front of Postgres that counts the queries clients send: simple-protocol
 * `Q` and extended-protocol `E` (Execute) messages, read from the frontend's message stream.
 */
function startPgCounter(target, port) {
  const counter = { queries: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    let buffer = Buffer.alloc(0);
    let startup = true;
    client.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (startup) {
          if (buffer.length < 8) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          // An SSLRequest (80877103) is followed by the real startup message.
          if (code !== 80877103) startup = false;
          continue;
        }
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0]);
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) break;
        if (type === "Q" || type === "E") counter.queries++;
        buffer = buffer.subarray(1 + length);
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () => resolve({ server, counter })),
  );
}

/** `next start` on the private build, with the settings given. */
function startServer(appDir, port, dataDir, settings) {
  return startNext(appDir, port, dataDir, { SUBMIT_RATE_PER_MINUTE: "1000", ...settings });
}

function taskId() {
  return randomBytes(9).toString("base64url");
}

await main();

async function main() {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    log("skipped: set TEST_DATABASE_URL (a Postgres server this bench may create a database on)");
    return;
  }
  const database = `wan_queue_bench_${process.pid}_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${database}`);
  const target = new URL(serverUrl);
  target.pathname = `/${database}`;
  const workDir = mkdtempSync(path.join(os.tmpdir(), "wan-queue-bench-"));
  let app;
  let gateway;
  let counter;
  let direct;
  try {
    counter = await startPgCounter(
      { host: target.hostname, port: Number(target.port || 5432) },
      await freePort(),
    );
    const proxied = new URL(target);
    proxied.host = `127.0.0.1:${counter.server.address().port}`;
    proxied.searchParams.set("sslmode", "disable");

    const appDir = await snapshotBuild(path.join(workDir, "app"));
    const appPort = await freePort();
    const gatewayPort = await freePort();
    const gatewayData = path.join(workDir, "gateway-data");
    gateway = startServer(appDir, gatewayPort, gatewayData, {
      DEMO_GATEWAY_MAX_RUNNING: String(CAP),
      DEMO_STEP_MS: String(DEMO_STEP_MS),
      DEMO_GATEWAY_MEDIA_ORIGINS: `http://127.0.0.1:${appPort}`,
      SWEEP_INTERVAL_MS: "0",
    });
    app = startServer(appDir, appPort, path.join(workDir, "app-data"), {
      DATABASE_URL: proxied.toString(),
      VIDEO_API_BASE_URL: `http://127.0.0.1:${gatewayPort}/api/demo-gateway`,
      MAX_CONCURRENT_TASKS: String(CAP),
      POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
      SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
    });
    const base = `http://127.0.0.1:${appPort}`;
    await waitForServer(`http://127.0.0.1:${gatewayPort}`, gateway);
    await waitForServer(base, app);

    const upload = await fetch(`${base}/api/uploads?kind=first_frame`, {
      method: "POST",
      headers: { "X-File-Name": "portrait.png" },
      body: readFileSync(path.join(root, "e2e/media/portrait.png")),
    });
    if (upload.status !== 201) throw new Error(`upload failed: ${upload.status}`);
    const media = [{ type: "first_frame", mediaId: (await upload.json()).media.id }];

    // The members' Generates: written as submitTask writes them (waiting, oldest first).
    direct = postgres(target.toString(), { max: 2, onnotice: () => {} });
    const perMember = Math.ceil(TASKS / MEMBERS);
    const queuedAt = new Map();
    const runStarted = Date.now();
    const queriesAtStart = counter.counter.queries;
    let made = 0;
    for (let member = 1; member <= MEMBERS && made < TASKS; member++) {
      const owner = `member${member}@bench.test`;
      const rows = [];
      for (let take = 1; take <= perMember && made < TASKS; take++, made++) {
        const id = taskId();
        const prompt = `Queue bench: member ${member}, take ${take}`;
        rows.push({
          id,
          owner_id: owner,
          owner_name: `Member ${member}`,
          status: "waiting",
          seconds: 2,
          size: "720P",
          prompt,
          media,
          combination: "first_frame",
          seed: take,
          take_index: take,
        });
      }
      const at = new Date();
      await direct`insert into tasks ${direct(
        rows.map((row) => ({ ...row, media: direct.json(row.media), created_at: at })),
      )}`;
      for (const row of rows) queuedAt.set(row.prompt, at.getTime());
      if (member < MEMBERS) await sleep(MEMBER_EVERY_MS);
    }

    // Until every task has ended.
    const deadline = Date.now() + 15 * 60_000;
    let statuses = [];
    for (;;) {
      statuses = await direct`select status, count(*)::int as n from tasks group by status`;
      const open = statuses
        .filter((row) => !["completed", "failed", "refused", "submit_unknown"].includes(row.status))
        .reduce((sum, row) => sum + row.n, 0);
      if (open === 0) break;
      if (Date.now() > deadline) throw new Error("tasks did not all end in 15 minutes");
      await sleep(500);
    }
    const runEnded = Date.now();
    const queries = counter.counter.queries - queriesAtStart;
    const unfinished =
      await direct`select status, error_code, error_message from tasks where status <> 'completed' limit 3`;
    for (const row of unfinished) {
      log(`not completed: ${row.status} ${row.error_code ?? ""} ${row.error_message ?? ""}`);
    }

    const records = readFileSync(path.join(gatewayData, "demo-gateway", "creates.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((record) => record.prompt?.startsWith("Queue bench:"));
    const acceptedBy = new Map();
    for (const record of records) {
      if (record.status !== 200) continue;
      acceptedBy.set(record.prompt, [...(acceptedBy.get(record.prompt) ?? []), record]);
    }
    const accepted = records.filter((record) => record.status === 200);
    const refused429 = records.filter((record) => record.status === 429).length;
    const duplicates = [...acceptedBy.values()].filter((list) => list.length > 1).length;
    const neverAccepted = TASKS - acceptedBy.size;

    // Slot k frees when the k-th accepted task ends at the gateway: 4 stages after it was
    // admitted (`at`), or later if its render is late (then this counts more idle, not less);
    // the (k + CAP)-th create is the one that can take it. A submit is when our create
    // reaches the gateway (`receivedAt`, one machine): the gateway's own checks of the
    // create's media before it admits it are not our idle time.
    const durationMs = 4 * DEMO_STEP_MS;
    const starts = accepted
      .map((record) => Date.parse(record.receivedAt ?? record.at))
      .sort((a, b) => a - b);
    const ends = accepted.map((record) => Date.parse(record.at) + durationMs).sort((a, b) => a - b);
    const idle = [];
    for (let k = 0; k + CAP < starts.length; k++) idle.push(starts[k + CAP] - ends[k]);
    const idleSorted = [...idle].sort((a, b) => a - b);

    // Waiting time per task: from its Generate to its accepted create.
    let waitingMs = 0;
    for (const [prompt, list] of acceptedBy) {
      waitingMs += Math.max(0, Date.parse(list[0].at) - (queuedAt.get(prompt) ?? 0));
    }
    const waitingTaskMinutes = waitingMs / 60_000;
    const runMinutes = (runEnded - runStarted) / 60_000;

    log(
      `${TASKS} tasks from ${MEMBERS} members (${perMember} each, one member every ${MEMBER_EVERY_MS / 1000} s), cap ${CAP}, gateway refusing past ${CAP}; each task ${durationMs / 1000} s at the gateway; POLL_INTERVAL_MS ${POLL_INTERVAL_MS}; nobody watching`,
    );
    log(
      `all ended in ${((runEnded - runStarted) / 1000).toFixed(1)} s (${statuses.map((row) => `${row.status} ${row.n}`).join(", ")}); the ideal, 4 at a time back to back: ${((Math.ceil(TASKS / CAP) * durationMs) / 1000).toFixed(1)} s`,
    );
    log("");
    log("  creates at the gateway (its own record)");
    log(
      `    sent                ${records.length} (${(records.length / TASKS).toFixed(2)} per task)`,
    );
    log(
      `    accepted            ${accepted.length} (${(accepted.length / TASKS).toFixed(2)} per task)`,
    );
    log(`    answered 429        ${refused429}`);
    log(`    duplicates          ${duplicates}; never accepted ${neverAccepted}`);
    log(
      `    most running at a create ${Math.max(...records.map((record) => record.running))} (cap ${CAP})`,
    );
    log("  idle slot time: a task's end at the gateway → the next create reaching it");
    log(`    samples             ${idle.length}`);
    log(`    p50                 ${(percentile(idleSorted, 50) / 1000).toFixed(2)} s`);
    log(`    p95                 ${(percentile(idleSorted, 95) / 1000).toFixed(2)} s`);
    log(`    max                 ${(idleSorted.at(-1) / 1000).toFixed(2)} s`);
    log("  database (queries counted on the wire, from the first Generate to the last end)");
    log(
      `    queries             ${queries} in ${runMinutes.toFixed(2)} min (${(queries / runMinutes).toFixed(0)}/min)`,
    );
    log(`    waiting             ${waitingTaskMinutes.toFixed(2)} task-minutes`);
    log(
      `    per queued task per minute ${(queries / waitingTaskMinutes).toFixed(1)} (everything the app asked, polling of running tasks included)`,
    );
    log("");
    const acceptedPerTask = accepted.length / TASKS;
    log(
      `${acceptedPerTask === TARGETS.acceptedPerTask && neverAccepted === 0 ? "PASS" : "MISS"} accepted creates per task: ${acceptedPerTask.toFixed(2)} (target exactly ${TARGETS.acceptedPerTask.toFixed(2)})`,
    );
    log(
      `${duplicates === TARGETS.duplicates ? "PASS" : "MISS"} duplicated tasks: ${duplicates} (target ${TARGETS.duplicates})`,
    );
    const p95 = percentile(idleSorted, 95);
    log(
      `${p95 <= TARGETS.idleP95Ms ? "PASS" : "MISS"} idle slot time p95: ${(p95 / 1000).toFixed(2)} s (target ≤ one poll interval, ${TARGETS.idleP95Ms / 1000} s)`,
    );
  } finally {
    await stopGroup(app?.child);
    await stopGroup(gateway?.child);
    await direct?.end();
    counter?.server.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
    rmSync(workDir, { recursive: true, force: true });
  }
}
