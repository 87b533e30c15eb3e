import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeTakeSets } from "./takes.suite";

// The same suite against a real Postgres server: concurrent submits run on a pool there.
onFreshPostgres("take sets (Postgres)", "wan_takes", (url) =>
  describeTakeSets("Postgres", () => url),
);
