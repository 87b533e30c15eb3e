import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeWebhooks } from "./webhooks.test-suite";

// The same suite against a real Postgres server; its last test delivers through two
// connection pools at once, as two instances (or the sweeper and the cron) would.
onFreshPostgres("team webhooks (Postgres)", "wan_webhooks", (url) =>
  describeWebhooks("Postgres", () => url),
);
