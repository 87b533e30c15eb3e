export { SequenceError } from "./errors";
export { type ExportPlan, exportPlan } from "./export-plan";
export type { SequenceView, ShotView } from "./model";
export { replaceShot } from "./replace";
export { advanceRerolls, startReroll } from "./reroll";
export { getSequenceRow, linkContinuation, sequencesOfTask, shotsWithTasks } from "./store";
export { loadSequence } from "./view";
