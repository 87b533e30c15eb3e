/**
 * Ways a download can go wrong on the wire, acted out on a Response's body: broken halfway,
 * trickling, cut by a deadline. Each keeps the status and headers (Content-Length included),
 * so a reader sees exactly what a dropped or slow connection looks like.
 */

function withBody(response: Response, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { status: response.status, headers: response.headers });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The first half of the bytes, then an error. The break waits a moment so the first half
 * really leaves (an error discards what is still queued).
 */
export async function brokenMidway(response: Response): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const half = bytes.subarray(0, Math.floor(bytes.byteLength / 2));
  let sent = false;
  return withBody(
    response,
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(half);
          return;
        }
        await pause(100);
        controller.error(new Error("demo fault: the connection broke mid-stream"));
      },
    }),
  );
}

/** The bytes in `pieces` equal parts spread over `durationMs`: a slow link to the provider. */
export async function trickled(
  response: Response,
  durationMs: number,
  pieces = 60,
): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const size = Math.max(1, Math.ceil(bytes.byteLength / pieces));
  const interval = durationMs / pieces;
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return withBody(
    response,
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (offset > 0) await new Promise((resolve) => (timer = setTimeout(resolve, interval)));
        if (offset >= bytes.byteLength) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + size));
        offset += size;
      },
      cancel() {
        clearTimeout(timer);
      },
    }),
  );
}

/**
 * The body errors once `ms` have passed since this call, however far it got: new-api holds
 * every download to one deadline, headers and body alike, then drops the connection.
 */
export function cutAfter(response: Response, ms: number): Response {
  const source = response.body;
  if (!source) return response;
  const reader = source.getReader();
  let cut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return withBody(
    response,
    new ReadableStream<Uint8Array>({
      start(controller) {
        timer = setTimeout(() => {
          cut = true;
          controller.error(new Error(`the gateway cut the download after ${ms} ms`));
          reader.cancel().catch(() => {});
        }, ms);
      },
      async pull(controller) {
        try {
          const next = await reader.read();
          if (cut) return;
          if (next.done) {
            clearTimeout(timer);
            controller.close();
          } else {
            controller.enqueue(next.value);
          }
        } catch (error) {
          clearTimeout(timer);
          if (!cut) controller.error(error);
        }
      },
      cancel(reason) {
        clearTimeout(timer);
        return reader.cancel(reason);
      },
    }),
  );
}
