import { describeModelOptions } from "./options.suite";

// No DATABASE_URL: the embedded database (PGlite), the demo gateway in its documented dialect.
describeModelOptions("embedded database", () => undefined, "documented");
