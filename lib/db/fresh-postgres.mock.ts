import postgres from "postgres";
import { afterAll, beforeAll, describe, it } from "vitest";

/**
 * Runs a suite against a real Postgres server, on a fresh database created before and dropped
 * after. TEST_DATABASE_URL names a server we may create databases on (.ci/run sets it). In CI
 * its absence is a failure, not a skip; elsewhere the suite is skipped with a note.
 */
export function onFreshPostgres(title: string, prefix: string, suite: (url: string) => void) {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    if (process.env.CI) {
      describe(title, () => {
        it("needs TEST_DATABASE_URL in CI", () => {
          throw new Error(
            "TEST_DATABASE_URL is not set: .ci/run must start Postgres and export it.",
          );
        });
      });
    } else {
      describe.skip(`${title}: set TEST_DATABASE_URL to run`, () => {
        it("skipped", () => {});
      });
    }
    return;
  }
  const database = `${prefix}_${process.pid}_${Date.now()}`;
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
  suite(url.toString());
}
