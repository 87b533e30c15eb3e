/**
 * Runs at most `limit` tasks at once; the others wait their turn, first come first served.
 * A freed slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
 */
export function createLimiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  /** Waits for a slot and returns the function that gives it back (call it exactly once). */
  const acquire = async (): Promise<() => void> => {
    if (active < limit) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      release();
    };
  };
  return {
    acquire,
    async run<T>(task: () => Promise<T>): Promise<T> {
      const done = await acquire();
      try {
        return await task();
      } finally {
        done();
      }
    },
    /** Tasks running and waiting now (for tests and logs). */
    get load() {
      return { active, waiting: waiting.length };
    },
  };
}
