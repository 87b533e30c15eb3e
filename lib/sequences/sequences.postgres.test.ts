import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeSequences } from "./sequences.suite";

// The same suite against a real Postgres server.
onFreshPostgres("sequences (Postgres)", "wan_seq", (url) =>
  describeSequences("Postgres", () => url),
);
