import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoDialectName } from "./dialects";
import { NEW_API_SATURATED } from "./dialects/new-api";
import { closeHarnessServers, startGateway, startMediaServer } from "./gateway.harness";
import type { DemoCreateRecord } from "./handler";

// The demo gateway's concurrency cap (DEMO_GATEWAY_MAX_RUNNING), over HTTP with a fake clock:
// a create while the cap's worth of its tasks run is refused with 429 as the real gateway
// refuses it, starts nothing, and is recorded; a finished task frees its slot.

let mediaUrl = "";
beforeAll(async () => {
  mediaUrl = await startMediaServer();
});
afterAll(closeHarnessServers);

function body(dialect: DemoDialectName, prompt: string) {
  const media = [{ type: "first_frame", url: `${mediaUrl}/frame.png` }];
  return {
    model: "wan2.7-i2v",
    seconds: "2",
    size: "720P",
    prompt,
    ...(dialect === "new-api" ? { metadata: { input: { media } } } : { media }),
  };
}

for (const dialect of ["documented", "new-api"] as const) {
  describe(`demo gateway concurrency cap (${dialect})`, () => {
    it("refuses a create over the cap with 429, starts nothing, and frees the slot when a task ends", async () => {
      const records: DemoCreateRecord[] = [];
      const gateway = await startGateway({
        dialect,
        maxRunning: 2,
        onCreate: (record) => {
          records.push(record);
        },
      });
      expect((await gateway.create(body(dialect, "one"))).status).toBe(200);
      gateway.advance(1500);
      expect((await gateway.create(body(dialect, "two"))).status).toBe(200);
      const over = await gateway.create(body(dialect, "three"));
      expect(over.status).toBe(429);
      if (dialect === "documented") {
        expect(await over.json()).toEqual({
          error: {
            message: "Too many tasks running at once for this key; try again when one finishes.",
            type: "new_api_error",
            code: "rate_limit_exceeded",
          },
        });
      } else {
        expect(await over.json()).toEqual({
          code: "fail_to_fetch_task",
          message: NEW_API_SATURATED,
          data: null,
        });
      }
      // Nothing was made: no third task.
      expect(await gateway.store.get("task_3")).toBeUndefined();
      // The first task ends (4 stages of 1 s): its slot is free again.
      gateway.advance(2600);
      expect((await gateway.read("task_1")).status).toBe("completed");
      expect((await gateway.create(body(dialect, "three"))).status).toBe(200);
      expect(
        records.map(({ status, running, prompt, id }) => ({ status, running, prompt, id })),
      ).toEqual([
        { status: 200, running: 0, prompt: "one", id: "task_1" },
        { status: 200, running: 1, prompt: "two", id: "task_2" },
        { status: 429, running: 2, prompt: "three", id: undefined },
        { status: 200, running: 1, prompt: "three", id: "task_3" },
      ]);
    });

    it("admits creates that arrive together one at a time: never more than the cap", async () => {
      const gateway = await startGateway({ dialect, maxRunning: 2 });
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) => gateway.create(body(dialect, `burst ${index}`))),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
    });

    it("has no cap unless one is set", async () => {
      const gateway = await startGateway({ dialect });
      const answers = await Promise.all(
        Array.from({ length: 5 }, (_, index) => gateway.create(body(dialect, `free ${index}`))),
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
    });
  });
}
