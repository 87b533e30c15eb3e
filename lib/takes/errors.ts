export type TakeErrorCode = "take_set_not_found" | "not_pickable";

/** An expected refusal about a take set; its message is written for people. */
export class TakeError extends Error {
  constructor(
    readonly code: TakeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "TakeError";
  }
}
