export type SequenceErrorCode =
  | "sequence_not_found"
  | "not_replaceable"
  | "reroll_busy"
  | "nothing_to_reroll";

/** An expected refusal about a sequence; its message is written for people. */
export class SequenceError extends Error {
  constructor(
    readonly code: SequenceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SequenceError";
  }
}
