import { describeResultCopy } from "./result-copy.test-suite";

// No DATABASE_URL: the embedded database (PGlite) under a fresh DATA_DIR, as in the demo.
describeResultCopy("embedded database", () => undefined);
