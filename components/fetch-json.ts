/** An error answered by one of our routes as `{ code, message }` (or `{ error: {…} }`). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Fetches one of our JSON routes, turning an error answer back into an `ApiError`. */
export async function fetchJson<T>(input: string, init?: RequestInit): Promise<T> {
  const response = await fetch(input, {
    ...init,
    headers: { Accept: "application/json", ...init?.headers },
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const shape = (body ?? {}) as {
      code?: string;
      message?: string;
      error?: { code?: string; message?: string };
    };
    const detail = shape.error ?? shape;
    throw new ApiError(
      detail.code ?? `http_${response.status}`,
      detail.message ?? "The server did not answer as expected. Please try again.",
      response.status,
    );
  }
  return body as T;
}
