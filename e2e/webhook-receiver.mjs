// A webhook receiver for the `webhooks` Playwright project (see playwright.config.ts): keeps
// every post it gets (path, headers, raw body, arrival time) for the spec to read at
// GET /received. POST /ok answers 200; POST /refuse answers 410 until POST /control/accept;
// POST /hang never answers. Usage: node e2e/webhook-receiver.mjs <port>
import { createServer } from "node:http";

const [port = "3301"] = process.argv.slice(2);
const received = [];
let refusing = true;

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const path = new URL(request.url ?? "/", "http://receiver").pathname;
    if (request.method === "GET") {
      const body = path === "/received" ? JSON.stringify(received) : "ok";
      response.writeHead(200, { "content-type": "application/json" }).end(body);
      return;
    }
    if (path === "/control/accept") {
      refusing = false;
      response.writeHead(204).end();
      return;
    }
    received.push({
      path,
      headers: request.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      at: Date.now(),
    });
    if (path === "/hang") return;
    const status = path === "/refuse" && refusing ? 410 : 200;
    response
      .writeHead(status, { "content-type": "text/plain" })
      .end(status === 200 ? "ok" : "gone");
  });
});
server.listen(Number(port), "127.0.0.1");
