/** Why an upload was refused: `status` is the HTTP answer, `message` a sentence for the person. */
export type MediaRejectionStatus = 413 | 415 | 422;

export interface MediaProblem {
  code: string;
  status: MediaRejectionStatus;
  message: string;
}

export class MediaRejectedError extends Error {
  readonly code: string;
  readonly status: MediaRejectionStatus;

  constructor(problem: MediaProblem) {
    super(problem.message);
    this.name = "MediaRejectedError";
    this.code = problem.code;
    this.status = problem.status;
  }
}
