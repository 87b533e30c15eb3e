/**
 * The `new-api` Playwright project: the whole demo suite once more, against the same build
 * started with DEMO_GATEWAY_DIALECT=new-api, so every flow works against mainline new-api's
 * dialect too (docs/upstream-api.md, last section). A second such server, `fresh`, is for the
 * specs that need one nobody else used: it has not yet learned that its gateway requires a
 * prompt, and its result links outlive new-api's 60 s /content cut.
 */
export const NEW_API_E2E = {
  port: 3260,
  baseURL: "http://127.0.0.1:3260",
  dataDir: ".data-e2e-new-api",
  fresh: {
    port: 3261,
    baseURL: "http://127.0.0.1:3261",
    dataDir: ".data-e2e-new-api-fresh",
  },
  /** restart.spec.ts's own server when it runs in this project (3230 in `demo`). */
  restartPort: 3231,
} as const;
