import postgres from "postgres";
import { afterAll, beforeAll, describe, it } from "vitest";
import { describeTaskLifecycle } from "./lifecycle.suite";

/**
 * The same suite against a real Postgres server. TEST_DATABASE_URL names a server we may
 * create databases on (.ci/run sets it); each run gets a fresh database, dropped afterwards.
 * In CI its absence is a failure, not a skip.
 */
const server = process.env.TEST_DATABASE_URL;
const database = `wan_test_${process.pid}_${Date.now()}`;

if (!server && process.env.CI) {
  describe("task lifecycle (Postgres)", () => {
    it("needs TEST_DATABASE_URL in CI", () => {
      throw new Error("TEST_DATABASE_URL is not set: .ci/run must start Postgres and export it.");
    });
  });
} else if (server) {
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  beforeAll(async () => {
    await admin.unsafe(`CREATE DATABASE ${database}`);
  });
  afterAll(async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });
  const url = new URL(server);
  url.pathname = `/${database}`;
  describeTaskLifecycle("Postgres", () => url.toString());
} else {
  describe.skip("task lifecycle (Postgres): set TEST_DATABASE_URL to run", () => {
    it("skipped", () => {});
  });
}
