import { describeGatewayFaults } from "./faults.suite";

// No DATABASE_URL: the embedded database (PGlite) under a fresh DATA_DIR, as in the demo.
describeGatewayFaults("embedded database", () => undefined);
