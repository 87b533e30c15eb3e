import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeGatewayFaults } from "./faults.suite";

// The fault suite against a real Postgres server (as lifecycle.postgres.test.ts).
onFreshPostgres("gateway faults (Postgres)", "wan_faults", (url) =>
  describeGatewayFaults("Postgres", () => url),
);
