import { describeSequences } from "./sequences.suite";

// No DATABASE_URL: the embedded database (PGlite).
describeSequences("embedded database", () => undefined);
