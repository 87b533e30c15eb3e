import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeResultCopy } from "./result-copy.test-suite";

// The result-copy suite against a real Postgres server (as lifecycle.postgres.test.ts).
onFreshPostgres("keeping results (Postgres)", "wan_results", (url) =>
  describeResultCopy("Postgres", () => url),
);
