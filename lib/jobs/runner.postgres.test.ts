import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeRunner } from "./runner.suite";

// The same suite against a real Postgres server; its last test claims through two connection
// pools at once, as two instances would.
onFreshPostgres("job runner (Postgres)", "wan_jobs", (url) =>
  describeRunner("Postgres", () => url),
);
