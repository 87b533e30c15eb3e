// Webhooks bench: team webhooks from the outbox to real receivers, through the production
// build on a fresh Postgres database, with one receiver that never answers beside one that
// does (WEBHOOK_URLS names both). Figures:
// - delivery latency: from a task's state change (the event's timestamp, written in the
//   transaction that finished the task) to the answering receiver's arrival, p50/p95, for
//   BENCH_TASKS videos made by the in-app demo gateway (a completed event waits for its poster
//   frame, so this includes keeping the video and making the poster);
// - throughput: 500 events put in the outbox at once, until all are delivered, events/s;
// - the outbox's cost with 500 events pending (not due): the claim query's time, as every
//   sweep and every finished task runs it;
// - the hanging receiver delays nothing: the answering receiver's p95 stays under
//   WEBHOOK_TIMEOUT_MS (a try that waited for the hanging one would take longer);
// - pruning: those 500 events, aged past WEBHOOK_RETENTION_DAYS, deleted by one cron call.
//
// Needs the production build (`npm run build`) and TEST_DATABASE_URL; without it the bench
// says so and stops. Env: BENCH_TASKS (12). Prints figures and PASS/MISS; a MISS does not fail
// the run.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import {
  freePortIn,
  percentile,
  root,
  sleep,
  snapshotBuild,
  startNext,
  stopGroup,
  waitForServer,
} from "./shared.mjs";

const TASKS = Number(process.env.BENCH_TASKS ?? 12);
const BURST = 500;
const TIMEOUT_MS = 5000;
const TARGETS = { p95Ms: 2000, burstPerSecond: 50, claimMs: 20 };
/** This bench's ports: the receivers' server and the app (issue 11's benches use 3440–3449). */
const PORTS = [3440, 3449];

const log = (line = "") => process.stdout.write(`${line}\n`);
const verdict = (ok) => (ok ? "PASS" : "MISS");

/** Two receivers on one server: /ok answers 200 and keeps each post's arrival; /hang never answers. */
async function startReceivers() {
  const arrivals = new Map();
  const hanging = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url === "/hang") {
        hanging.push(response);
        return;
      }
      const id = request.headers["webhook-id"];
      if (!arrivals.has(id))
        arrivals.set(id, { at: Date.now(), body: Buffer.concat(chunks).toString() });
      response.writeHead(200).end("ok");
    });
  });
  const port = await freePortIn(...PORTS);
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    arrivals,
    close: () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

await main();

async function main() {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    log("skipped: set TEST_DATABASE_URL (a Postgres server this bench may create a database on)");
    return;
  }
  const database = `wan_webhooks_bench_${process.pid}_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${database}`);
  const target = new URL(serverUrl);
  target.pathname = `/${database}`;
  const workDir = mkdtempSync(path.join(os.tmpdir(), "wan-webhooks-bench-"));
  const receivers = await startReceivers();
  let app;
  let direct;
  try {
    const appDir = await snapshotBuild(path.join(workDir, "app"));
    const port = await freePortIn(...PORTS, [receivers.port]);
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    app = startNext(appDir, port, path.join(workDir, "data"), {
      SUBMIT_RATE_PER_MINUTE: "1000",
      DATABASE_URL: target.toString(),
      POLL_INTERVAL_MS: "500",
      DEMO_STEP_MS: "300",
      SWEEP_INTERVAL_MS: "2000",
      MAX_CONCURRENT_TASKS: "100",
      WEBHOOK_URLS: `${receivers.base}/ok,${receivers.base}/hang`,
      WEBHOOK_SECRET: secret,
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(base, app);
    direct = postgres(target.toString(), { max: 2, onnotice: () => {} });

    // 1. Latency: videos made by the demo gateway, watched by nobody but the sweeper and this
    // script's polls (as a viewer's tab would poll).
    const upload = await fetch(`${base}/api/uploads?kind=first_frame`, {
      method: "POST",
      headers: { "X-File-Name": "portrait.png" },
      body: readFileSync(path.join(root, "e2e/media/portrait.png")),
    });
    if (upload.status !== 201) throw new Error(`upload failed: ${upload.status}`);
    const media = [{ type: "first_frame", mediaId: (await upload.json()).media.id }];
    const ids = [];
    for (let i = 0; i < TASKS; i++) {
      const id = randomBytes(9).toString("base64url");
      ids.push(id);
      await direct`insert into tasks ${direct({
        id,
        owner_id: "bench@studio.test",
        status: "waiting",
        seconds: 2,
        size: "720P",
        prompt: `Webhooks bench ${i}`,
        media: direct.json(media),
        combination: "first_frame",
      })}`;
      await sleep(150);
    }
    const deadline = Date.now() + 180_000;
    for (;;) {
      await Promise.all(
        ids.map((id) => fetch(`${base}/api/tasks/${id}`).then((r) => r.arrayBuffer())),
      );
      const [{ open }] =
        await direct`select count(*)::int as open from tasks where status not in ('completed','failed','refused','submit_unknown')`;
      const [{ events }] = await direct`select count(*)::int as events from outbox_events`;
      const delivered = [...receivers.arrivals.values()].length;
      if (open === 0 && delivered >= events) break;
      if (Date.now() > deadline)
        throw new Error("the videos' events were not all delivered in 3 minutes");
      await sleep(250);
    }
    const latencies = [...receivers.arrivals.values()]
      .map(({ at, body }) => at - Date.parse(JSON.parse(body).timestamp))
      .sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    log(`videos: ${TASKS}; events delivered to the answering receiver: ${latencies.length}`);
    log(
      `latency, state change → receiver: p50 ${p50} ms, p95 ${p95} ms, max ${latencies.at(-1)} ms`,
    );
    log(`${verdict(p95 <= TARGETS.p95Ms)} latency p95 ≤ ${TARGETS.p95Ms} ms (poster included)`);
    log(
      `${verdict(p95 < TIMEOUT_MS)} the hanging receiver held up nothing (p95 < WEBHOOK_TIMEOUT_MS ${TIMEOUT_MS} ms)`,
    );

    // 2. The outbox's cost with 500 events pending (not yet due), then their delivery.
    const before = receivers.arrivals.size;
    const burstIds = Array.from({ length: BURST }, () => `evt_${randomBytes(16).toString("hex")}`);
    await direct.begin(async (tx) => {
      await tx`insert into outbox_events ${tx(
        burstIds.map((id) => ({
          id,
          type: "failed",
          owner_id: "bench@studio.test",
          body: JSON.stringify({
            id,
            type: "failed",
            timestamp: new Date().toISOString(),
            data: {
              task: {
                id: "none",
                prompt: "burst",
                seconds: 2,
                size: "720P",
                error: { code: "x", message: "burst" },
              },
              maker: { id: "bench", name: null },
              links: { share: null },
            },
          }),
        })),
      )}`;
      await tx`insert into webhook_deliveries ${tx(
        burstIds.map((id) => ({
          event_id: id,
          url: `${receivers.base}/ok`,
          next_attempt_at: new Date(Date.now() + 3600_000),
        })),
      )}`;
    });
    const claimSql = `select event_id, url from webhook_deliveries where status = 'pending' and next_attempt_at <= now() order by next_attempt_at limit 25 for update skip locked`;
    const times = [];
    for (let i = 0; i < 20; i++) {
      const [{ "QUERY PLAN": plan }] = await direct.unsafe(
        `explain (analyze, format json) ${claimSql}`,
      );
      times.push(plan[0]["Execution Time"]);
    }
    times.sort((a, b) => a - b);
    const pending =
      await direct`select count(*)::int as n from webhook_deliveries where status = 'pending'`;
    log(
      `outbox with ${pending[0].n} deliveries pending: the claim query takes ${percentile(times, 50).toFixed(2)} ms (p50 of 20), ${percentile(times, 95).toFixed(2)} ms p95`,
    );
    log(
      `${verdict(percentile(times, 95) <= TARGETS.claimMs)} claim with 500 pending ≤ ${TARGETS.claimMs} ms`,
    );

    // Now all due at once: the sweeper (every 2 s) and the pump deliver them.
    const released = Date.now();
    await direct`update webhook_deliveries set next_attempt_at = now() where event_id in ${direct(burstIds)}`;
    const burstDeadline = Date.now() + 120_000;
    while (receivers.arrivals.size < before + BURST) {
      if (Date.now() > burstDeadline)
        throw new Error(
          `only ${receivers.arrivals.size - before} of ${BURST} delivered in 2 minutes`,
        );
      await sleep(50);
    }
    const last = Math.max(...burstIds.map((id) => receivers.arrivals.get(id)?.at ?? 0));
    const seconds = (last - released) / 1000;
    const rate = BURST / seconds;
    log(
      `throughput: ${BURST} due events delivered in ${seconds.toFixed(2)} s (${rate.toFixed(0)} events/s, with the next sweep up to 2 s after release)`,
    );
    log(
      `${verdict(rate >= TARGETS.burstPerSecond)} throughput ≥ ${TARGETS.burstPerSecond} events/s`,
    );
    const [{ twice }] =
      await direct`select count(*)::int as twice from webhook_deliveries where url like '%/ok' and attempts > 1`;
    log(
      `${verdict(twice === 0)} each event posted once to the answering receiver (${twice} tried twice)`,
    );

    // 3. Pruning: the 500, delivered, aged past WEBHOOK_RETENTION_DAYS (14), leave the outbox
    // in one call of the cron route (a round deletes at most 2,000, in batches of 500).
    await direct`update outbox_events set created_at = now() - interval '30 days' where id in ${direct(burstIds)}`;
    await direct`update webhook_deliveries set delivered_at = now() - interval '30 days', last_attempt_at = now() - interval '30 days' where event_id in ${direct(burstIds)}`;
    const pruneStarted = performance.now();
    const swept = await fetch(`${base}/api/cron/sweep`).then((r) => r.json());
    const pruneMs = performance.now() - pruneStarted;
    const [{ left }] =
      await direct`select count(*)::int as left from outbox_events where id in ${direct(burstIds)}`;
    log(
      `pruning: one cron call deleted ${swept.outbox?.pruned ?? "?"} aged events (${left} of ${BURST} left) in ${pruneMs.toFixed(0)} ms, with the task sweep beside it`,
    );
    log(`${verdict(left === 0)} the aged events left the outbox in one round`);
  } finally {
    await direct?.end();
    await stopGroup(app?.child);
    receivers.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
    rmSync(workDir, { recursive: true, force: true });
  }
}
