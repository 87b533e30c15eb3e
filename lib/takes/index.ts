export { TakeError } from "./errors";
export {
  getTakeSetRow,
  loadRemixSet,
  loadTakeSet,
  pickTake,
  takeSetSummaries,
  takesOfSet,
} from "./take-sets";
