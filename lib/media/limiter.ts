/**
 * Runs at most `limit` tasks at once; the others wait their turn, first come first served.
 * A freed slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
 */
export function createLimiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active < limit) active += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else active -= 1;
      }
    },
    /** Tasks running and waiting now (for tests and logs). */
    get load() {
      return { active, waiting: waiting.length };
    },
  };
}
