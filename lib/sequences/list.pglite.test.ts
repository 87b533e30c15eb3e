import { describeSequenceList } from "./list.test-suite";

// No DATABASE_URL: the embedded database (PGlite).
describeSequenceList("embedded database", () => undefined);
