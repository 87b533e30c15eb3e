import { describeTaskLifecycle } from "./lifecycle.suite";

// No DATABASE_URL: the embedded database (PGlite) under a fresh DATA_DIR, as in the demo.
describeTaskLifecycle("embedded database", () => undefined);
