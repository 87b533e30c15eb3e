import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeQueue } from "./queue.suite";

// The same suite against a real Postgres server; its last test claims through two connection
// pools at once, as two instances would.
onFreshPostgres("queue (Postgres)", "wan_queue", (url) => describeQueue("Postgres", () => url));
