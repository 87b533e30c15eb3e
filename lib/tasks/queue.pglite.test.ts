import { describeQueue } from "./queue.suite";

// No DATABASE_URL: the embedded database (PGlite).
describeQueue("embedded database", () => undefined);
