export { SequenceError } from "./errors";
export { type ExportPlan, exportPlan } from "./export-plan";
export { listSequences } from "./list";
export type { SequenceCard, SequenceView, ShotView } from "./model";
export { replaceShot } from "./replace";
export { advanceRerolls, startReroll } from "./reroll";
export {
  getSequenceRow,
  linkContinuation,
  sequenceOfTasks,
  sequencesOfTask,
  shotsWithTasks,
} from "./store";
export { loadSequence } from "./view";
