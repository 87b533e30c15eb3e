import { describeModelOptions } from "./options.suite";

// The same suite with the demo gateway speaking mainline new-api: options travel in metadata.
describeModelOptions("embedded database", () => undefined, "new-api");
