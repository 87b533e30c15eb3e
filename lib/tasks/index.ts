export { canDeleteTask, ownerLabel, usableMedia } from "./access";
export { deleteTask } from "./delete";
export { TaskError } from "./errors";
export { type ListQuery, listTasks, type StateFilter, stateFilters } from "./list";
export { type Defer, getTaskRow, refreshTask } from "./refresh";
export { loadRemix } from "./remix";
export { resultKeyFor } from "./result";
export { submitTask } from "./submit";
export { toTaskView } from "./view";
