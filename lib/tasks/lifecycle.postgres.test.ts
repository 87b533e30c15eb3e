import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeTaskLifecycle } from "./lifecycle.suite";

// The same suite as lifecycle.pglite.test.ts, against a real Postgres server.
onFreshPostgres("task lifecycle (Postgres)", "wan_test", (url) =>
  describeTaskLifecycle("Postgres", () => url),
);
