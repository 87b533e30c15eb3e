import { onFreshPostgres } from "@/lib/db/fresh-postgres.mock";
import { describeReview } from "./review.suite";

// The same suite against a real Postgres server.
onFreshPostgres("share links and review (Postgres)", "wan_review", (url) =>
  describeReview("Postgres", () => url),
);
