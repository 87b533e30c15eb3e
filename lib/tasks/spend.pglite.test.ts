import { describeSpend } from "./spend.suite";

describeSpend("embedded database", () => undefined);
