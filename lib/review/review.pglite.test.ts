import { describeReview } from "./review.suite";

// No DATABASE_URL: the embedded database (PGlite).
describeReview("embedded database", () => undefined);
