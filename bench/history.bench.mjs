// History bench: 10,000 tasks in a fresh embedded database (PGlite), then the history query
// exactly as lib/tasks/list.ts builds it (newest first, keyset on (created_at, id), 24 + 1
// rows): first page, page 50 through a cursor, a state filter, a combination filter and a
// prompt search, ~30 runs each, p50/p95. Then the same figures on real Postgres when
// TEST_DATABASE_URL is set (a fresh database, created and dropped here), and the rendered
// pages (GET /videos, GET /videos?cursor=…) from the production server opened on the seeded
// embedded database (needs `npm run build`; skipped without it).
//
// Run with `npm run bench` or `node bench/history.bench.mjs`. Env: BENCH_TASKS (10000),
// BENCH_RUNS (30). Prints figures and PASS/MISS per target; a MISS does not fail the run.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";

import { freePort, root, snapshotBuild } from "./shared.mjs";

const MIGRATIONS = path.join(root, "lib/db/migrations");
const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const PAGE = 24; // lib/tasks/list.ts: 24 a page, one more row fetched to know there is a next
const DAY_MS = 24 * 3600 * 1000;
/** Targets: a history query well under a frame of a page render; a page under 200 ms. */
const TARGETS = { queryP95Ms: 50, pageP95Ms: 200 };

function log(line = "") {
  process.stdout.write(`${line}\n`);
}

// ── seed data ────────────────────────────────────────────────────────────────────────────

const WORDS = (
  "lighthouse harbour valley portrait singer fog dusk morning neon city rain street dancer " +
  "forest river mountain ocean waves sunset camera slowly turns smiles walks runs glows " +
  "paper boat lantern festival crowd kite wind snow fox bird wings cloud drift golden light " +
  "shadow window train station market coffee steam candle flame mirror garden flower bloom"
).split(" ");
const COMBINATIONS = [
  ["first_frame", 40],
  ["first_frame+driving_audio", 20],
  ["first_frame+last_frame", 20],
  ["first_frame+last_frame+driving_audio", 8],
  ["first_clip", 8],
  ["first_clip+last_frame", 4],
];
const STATUSES = [
  ["completed", 80],
  ["failed", 11],
  ["submit_unknown", 2],
  ["in_progress", 4],
  ["queued", 3],
];

// A small seeded generator, so every run seeds the same history.
let seed = 0x2f6b;
function random() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
function weighted(table) {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let pick = random() * total;
  for (const [value, weight] of table) {
    pick -= weight;
    if (pick < 0) return value;
  }
  return table[0][0];
}
function id() {
  return randomBytes(9).toString("base64url");
}

function makeRow(now) {
  const status = weighted(STATUSES);
  const combination = weighted(COMBINATIONS);
  const createdAt = new Date(now - Math.floor(random() * 90 * DAY_MS));
  const words = Array.from({ length: 5 + Math.floor(random() * 10) }, () => {
    return WORDS[Math.floor(random() * WORDS.length)];
  });
  const prompt = random() < 0.08 ? null : words.join(" ");
  const taskId = id();
  const done = status === "completed" || status === "failed";
  const completedAt = done ? new Date(createdAt.getTime() + 60_000 + random() * 240_000) : null;
  return {
    id: taskId,
    gateway_id: status === "submit_unknown" ? null : `task_${randomBytes(12).toString("hex")}`,
    status,
    progress: done ? 100 : status === "in_progress" ? 20 : 0,
    seconds: 2 + Math.floor(random() * 14),
    size: random() < 0.7 ? "720P" : "1080P",
    prompt,
    media: JSON.stringify(combination.split("+").map((type) => ({ type, mediaId: id() }))),
    combination,
    error_code: status === "failed" ? "ali_api_error" : null,
    error_message: status === "failed" ? "DataInspectionFailed: the input was refused." : null,
    created_at: createdAt,
    started_at: new Date(createdAt.getTime() + 5_000),
    completed_at: completedAt,
    result_key: status === "completed" ? `results/${taskId}.mp4` : null,
    result_bytes: status === "completed" ? 100_000 + Math.floor(random() * 5_000_000) : null,
    result_seconds: status === "completed" ? 5 : null,
    poster_key: status === "completed" ? `posters/${taskId}.jpg` : null,
  };
}

const COLUMNS = Object.keys(makeRow(Date.now()));

/** Inserts `rows` in batches of 500, through `query(sql, params)`. */
async function insertRows(query, rows) {
  for (let start = 0; start < rows.length; start += 500) {
    const batch = rows.slice(start, start + 500);
    const params = [];
    const values = batch.map((row) => {
      const holes = COLUMNS.map((column) => {
        const value = row[column];
        // As drizzle sends timestamps: ISO strings (postgres.js takes no Date in unsafe()).
        params.push(value instanceof Date ? value.toISOString() : value);
        return column === "media" ? `$${params.length}::jsonb` : `$${params.length}`;
      });
      return `(${holes.join(", ")})`;
    });
    await query(
      `insert into "tasks" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) values ${values.join(", ")}`,
      params,
    );
  }
}

// ── the history query, as lib/tasks/list.ts has drizzle build it ──────────────────────────

const SELECT =
  'select "id", "gateway_id", "status", "progress", "seconds", "size", "prompt", "media", ' +
  '"combination", "error_code", "error_message", "unknown_polls", "created_at", "started_at", ' +
  '"completed_at", "refreshed_at", "result_key", "result_bytes", "result_seconds", "poster_key" ' +
  'from "tasks"';
const STATE_FILTERS = { failed: ["failed", "submit_unknown"] };

/** `{ text, params }` for a ListQuery, in drizzle's shape (and, or, inArray, ilike, lt). */
function historyQuery({ state, combination, search, cursor, orCursor = false }) {
  const where = [];
  const params = [];
  const hole = (value) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (state) where.push(`"tasks"."status" in (${STATE_FILTERS[state].map(hole).join(", ")})`);
  if (combination) where.push(`"tasks"."combination" = ${hole(combination)}`);
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    // As list.ts: the search reads prompts and negative prompts.
    const at = hole(pattern);
    where.push(`("tasks"."prompt" ilike ${at} or "tasks"."negative_prompt" ilike ${at})`);
  }
  if (cursor && orCursor) {
    // The form list.ts had before: correct, but only a filter on the index scan.
    const at = cursor.createdAt.toISOString();
    where.push(
      `("tasks"."created_at" < ${hole(at)} or ("tasks"."created_at" = ${hole(at)} and "tasks"."id" < ${hole(cursor.id)}))`,
    );
  } else if (cursor) {
    where.push(
      `("tasks"."created_at", "tasks"."id") < (${hole(cursor.createdAt.toISOString())}::timestamptz, ${hole(cursor.id)})`,
    );
  }
  const clause =
    where.length === 0
      ? ""
      : ` where ${where.length === 1 ? where[0] : `(${where.join(" and ")})`}`;
  return {
    text: `${SELECT}${clause} order by "tasks"."created_at" desc, "tasks"."id" desc limit ${hole(PAGE + 1)}`,
    params,
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
}

async function time(fn, runs = RUNS) {
  await fn(); // warm: plan cache, buffers
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summary(samples);
}

const fmt = (ms) => ms.toFixed(ms < 10 ? 2 : 1).padStart(8);

function table(title, rows) {
  log(`\n${title}`);
  log(
    `  ${"variant".padEnd(44)}${"rows".padStart(6)}${"p50 ms".padStart(10)}${"p95 ms".padStart(10)}${"max ms".padStart(10)}`,
  );
  for (const row of rows) {
    log(
      `  ${row.name.padEnd(44)}${String(row.rows).padStart(6)}  ${fmt(row.p50)}  ${fmt(row.p95)}  ${fmt(row.max)}`,
    );
  }
}

/** The cursor of the last row of page `n` (1-based), as list.ts encodes it. */
async function cursorAfterPage(query, n) {
  const { rows } = await query(
    `select "created_at", "id" from "tasks" order by "created_at" desc, "id" desc offset ${n * PAGE - 1} limit 1`,
  );
  const createdAt = new Date(rows[0].created_at);
  return {
    createdAt,
    id: rows[0].id,
    encoded: Buffer.from(`${createdAt.toISOString()}|${rows[0].id}`).toString("base64url"),
  };
}

/** Times every variant through `query(text, params) → { rows }`. */
async function timeVariants(query) {
  const page50 = await cursorAfterPage(query, 49);
  const page400 = await cursorAfterPage(query, Math.min(399, Math.floor(TASKS / PAGE) - 2));
  const variants = [
    ["first page", {}],
    ["page 50 (cursor)", { cursor: page50 }],
    ["page 400 (cursor)", { cursor: page400 }],
    ["state = failed", { state: "failed" }],
    ["inputs = first_clip+last_frame", { combination: "first_clip+last_frame" }],
    ['search "lighthouse"', { search: "lighthouse" }],
    ['search "paper boat" (rarer phrase)', { search: "paper boat" }],
    ["state = failed, page 50 (cursor)", { state: "failed", cursor: page50 }],
    ["page 50 (cursor), former OR form", { cursor: page50, orCursor: true }],
    ["page 400 (cursor), former OR form", { cursor: page400, orCursor: true }],
  ];
  // Both cursor forms must list the very same rows.
  for (const cursor of [page50, page400]) {
    const ids = async (orCursor) => {
      const { text, params } = historyQuery({ cursor, orCursor });
      return (await query(text, params)).rows.map((row) => row.id).join(",");
    };
    if ((await ids(false)) !== (await ids(true))) {
      throw new Error("the row-comparison cursor and the OR cursor list different rows");
    }
  }
  const results = [];
  for (const [name, filters] of variants) {
    const { text, params } = historyQuery(filters);
    let rows = 0;
    const figures = await time(async () => {
      rows = (await query(text, params)).rows.length;
    });
    results.push({ name, rows, ...figures, text, params });
  }
  return { results, page50, page400 };
}

async function explain(query, name, filters) {
  const { text, params } = historyQuery(filters);
  const { rows } = await query(`explain analyze ${text}`, params);
  log(`\nEXPLAIN ANALYZE, ${name}:`);
  for (const row of rows) log(`  ${row["QUERY PLAN"]}`);
}

function verdict(label, value, target) {
  log(
    `${value <= target ? "PASS" : "MISS"} ${label}: ${value.toFixed(1)} ms (target ≤ ${target} ms)`,
  );
}

// ── embedded (PGlite) ─────────────────────────────────────────────────────────────────────

async function benchPglite(rows, dataDir) {
  const dir = path.join(dataDir, "db");
  const client = await PGlite.create(dir);
  // drizzle's migrator: the same files, split on `--> statement-breakpoint`, recorded in
  // drizzle's journal table, so the app later opens this database as its own.
  await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS });
  const query = (text, params) => client.query(text, params);
  const seedStarted = Date.now();
  await insertRows(query, rows);
  await client.exec('analyze "tasks"');
  log(`PGlite: seeded ${rows.length} tasks in ${Date.now() - seedStarted} ms`);
  const { results, page50, page400 } = await timeVariants(query);
  table(`PGlite (embedded, ${rows.length} tasks), ${RUNS} runs each`, results);
  await explain(query, "first page", {});
  await explain(query, "page 400 (cursor)", { cursor: page400 });
  await explain(query, "page 400 (cursor), former OR form", { cursor: page400, orCursor: true });
  const { text, params } = historyQuery({ cursor: page50 });
  const page51Ids = (await query(text, params)).rows.slice(0, PAGE).map((row) => row.id);
  await client.close();
  return { results, page50, page400, page51Ids };
}

// ── Postgres (TEST_DATABASE_URL) ──────────────────────────────────────────────────────────

async function benchPostgres(rows, url) {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const name = `bench_history_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const sql = postgres(target.toString(), { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS });
    const query = async (text, params = []) => ({ rows: await sql.unsafe(text, params) });
    const seedStarted = Date.now();
    await insertRows(query, rows);
    await sql.unsafe('analyze "tasks"');
    log(
      `\nPostgres: seeded ${rows.length} tasks in ${Date.now() - seedStarted} ms (database ${name})`,
    );
    const { results, page400 } = await timeVariants(query);
    table(`Postgres (${target.host}, ${rows.length} tasks), ${RUNS} runs each`, results);
    await explain(query, "first page", {});
    await explain(query, "page 400 (cursor)", { cursor: page400 });
    return results;
  } finally {
    await sql.end();
    await admin.unsafe(`drop database if exists "${name}"`);
    await admin.end();
  }
}

// ── the rendered pages, from the production server ───────────────────────────────────────

async function benchPages(dataDir, { page50, page400, page51Ids }) {
  const appDir = await snapshotBuild(path.join(dataDir, "..", "app"));
  const port = await freePort();
  const child = spawn(
    path.join(root, "node_modules/.bin/next"),
    ["start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd: appDir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        DATA_DIR: dataDir,
        PORT: String(port),
        // Nothing may reach a real gateway, and nothing runs beside the page renders.
        SWEEP_INTERVAL_MS: "0",
        VIDEO_API_KEY: "",
        VIDEO_API_BASE_URL: "",
        DATABASE_URL: "",
        PUBLIC_BASE_URL: "",
        MEDIA_URL_SECRET: "",
        S3_BUCKET: "",
        AUTH_OIDC_ISSUER: "",
      },
    },
  );
  let output = "";
  child.stdout.on("data", (data) => {
    output += data;
  });
  child.stderr.on("data", (data) => {
    output += data;
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await fetch(`${base}/api/tasks/warm-up-probe`).catch(() => null);
      if (response?.status === 404) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the server did not start:\n${output.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const pages = [
      ["GET /videos", "/videos"],
      ["GET /videos?cursor=… (page 50)", `/videos?cursor=${page50.encoded}`],
      ["GET /videos?cursor=… (page 400)", `/videos?cursor=${page400.encoded}`],
      ["GET /videos?state=failed", "/videos?state=failed"],
      ["GET /videos?q=lighthouse", "/videos?q=lighthouse"],
    ];
    const results = [];
    for (const [name, pathname] of pages) {
      let items = 0;
      const figures = await time(async () => {
        const response = await fetch(`${base}${pathname}`);
        const html = await response.text();
        if (!response.ok) throw new Error(`${pathname} answered ${response.status}`);
        items = (html.match(/href="\/videos\/[A-Za-z0-9_-]+"/g) ?? []).length;
      });
      results.push({ name, rows: items, ...figures });
    }
    table(`Pages (next start on the seeded PGlite database), ${RUNS} runs each`, results);
    // The app's own list.ts pages through the same rows the bench's query does.
    const html = await (await fetch(`${base}/videos?cursor=${page50.encoded}`)).text();
    const listed = [...html.matchAll(/href="\/videos\/([A-Za-z0-9_-]+)"/g)].map((m) => m[1]);
    const same = listed.join(",") === page51Ids.join(",");
    log(
      `${same ? "PASS" : "MISS"} the app's page after the page-50 cursor lists the bench query's 24 rows`,
    );
    return results;
  } finally {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, 5000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

// ── main ──────────────────────────────────────────────────────────────────────────────────

const workDir = mkdtempSync(path.join(os.tmpdir(), "wan-history-bench-"));
const dataDir = path.join(workDir, "data");
mkdirSync(dataDir);
try {
  const now = Date.now();
  const rows = Array.from({ length: TASKS }, () => makeRow(now));
  const embedded = await benchPglite(rows, dataDir);
  let server = null;
  try {
    server = await benchPages(dataDir, embedded);
  } catch (error) {
    log(`\npages: failed: ${error instanceof Error ? error.message : error}`);
  }
  let real = null;
  if (process.env.TEST_DATABASE_URL) {
    try {
      real = await benchPostgres(rows, process.env.TEST_DATABASE_URL);
    } catch (error) {
      log(`\nPostgres: failed: ${error instanceof Error ? error.message : error}`);
    }
  } else {
    log(
      "\nPostgres: skipped (set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test)",
    );
  }

  log("");
  const worst = (results) =>
    Math.max(...results.filter((row) => !row.name.includes("former")).map((row) => row.p95));
  verdict("PGlite history query, worst p95", worst(embedded.results), TARGETS.queryP95Ms);
  if (real) verdict("Postgres history query, worst p95", worst(real), TARGETS.queryP95Ms);
  if (server) verdict("history page render, worst p95", worst(server), TARGETS.pageP95Ms);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
