import { describeTakeSets } from "./takes.suite";

// No DATABASE_URL: the embedded database (PGlite).
describeTakeSets("embedded database", () => undefined);
