import { describeRunner } from "./runner.suite";

// No DATABASE_URL: the embedded database (PGlite).
describeRunner("embedded database", () => undefined);
