import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeSequenceList } from "./list.test-suite";

// The same suite against a real Postgres server.
onFreshPostgres("history's sequences (Postgres)", "wan_seqlist", (url) =>
  describeSequenceList("Postgres", () => url),
);
