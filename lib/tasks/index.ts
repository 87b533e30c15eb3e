export { TaskError } from "./errors";
export { type Defer, getTaskRow, refreshTask } from "./refresh";
export { resultKeyFor } from "./result";
export { submitTask } from "./submit";
export { toTaskView } from "./view";
