import postgres from "postgres";
import { afterAll, beforeAll, describe, it } from "vitest";
import { describeGatewayFaults } from "./faults.suite";

/**
 * The fault suite against a real Postgres server, on a fresh database dropped afterwards
 * (as lifecycle.postgres.test.ts). In CI the absence of TEST_DATABASE_URL is a failure.
 */
const server = process.env.TEST_DATABASE_URL;
const database = `wan_faults_${process.pid}_${Date.now()}`;

if (!server && process.env.CI) {
  describe("gateway faults (Postgres)", () => {
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
  describeGatewayFaults("Postgres", () => url.toString());
} else {
  describe.skip("gateway faults (Postgres): set TEST_DATABASE_URL to run", () => {
    it("skipped", () => {});
  });
}
