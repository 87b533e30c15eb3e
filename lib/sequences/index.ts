export { SequenceError } from "./errors";
export { type ExportPlan, exportPlan } from "./export-plan";
export { getSequenceRow, linkContinuation, sequencesOfTask, shotsWithTasks } from "./store";
