import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeModelOptions } from "./options.suite";

// The same suite against a real Postgres server (as lifecycle.postgres.test.ts).
onFreshPostgres("model options (Postgres)", "wan_options", (url) =>
  describeModelOptions("Postgres", () => url, "new-api"),
);
