import postgres from "postgres";
import { afterAll, beforeAll, describe, it } from "vitest";
import { describeSpend } from "./spend.suite";

/**
 * The same suite against a real Postgres server. TEST_DATABASE_URL names a server we may
 * create databases on (.ci/run sets it); each run gets a fresh database, dropped afterwards.
 * In CI its absence is a failure, not a skip.
 */
const server = process.env.TEST_DATABASE_URL;
const database = `wan_spend_${process.pid}_${Date.now()}`;

if (!server && process.env.CI) {
  describe("spend control (Postgres)", () => {
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
  describeSpend("Postgres", () => url.toString());
} else {
  describe.skip("spend control (Postgres): set TEST_DATABASE_URL to run", () => {
    it("skipped", () => {});
  });
}
