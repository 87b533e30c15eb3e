import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeSpend } from "./spend.suite";

// On a pool of connections the advisory lock is what keeps concurrent checks honest.
onFreshPostgres("spend control (Postgres)", "wan_spend", (url) =>
  describeSpend("Postgres", () => url),
);
