import { describeWebhooks } from "./webhooks.test-suite";

// No DATABASE_URL: the embedded database (PGlite).
describeWebhooks("embedded database", () => undefined);
