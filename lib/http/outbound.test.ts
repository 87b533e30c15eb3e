import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAddress } from "./addresses";
import {
  checkOutboundUrl,
  guardedFetch,
  type OutboundPolicy,
  OutboundRefusedError,
  outboundPolicyFor,
} from "./outbound";

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "cgnat"],
    ["169.254.169.254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["169.254.10.1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["198.51.100.7", "reserved"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fe80::1%eth0", "link-local"],
    ["fd12:3456::1", "unique-local"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "metadata"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2606:4700:4700::1111", "public"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::c0a8:1", "private"],
    ["2002:c0a8:101::1", "private"],
    ["::127.0.0.1", "reserved"],
  ])("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it("says nothing of a name", () => {
    expect(classifyAddress("example.com")).toBeUndefined();
  });
});

const publicGateway: OutboundPolicy = {
  allowed: new Set(),
  resolve: async (host) =>
    ({
      "cdn.example": ["93.184.216.34"],
      "inside.example": ["93.184.216.34", "10.0.0.5"],
      "meta.example": ["169.254.169.254"],
      "mapped.example": ["::ffff:192.168.0.1"],
    })[host] ?? [],
};

describe("checkOutboundUrl", () => {
  it("lets a public gateway follow https to public hosts only", async () => {
    await expect(
      checkOutboundUrl("https://cdn.example/v.mp4?sig=1", publicGateway),
    ).resolves.toBeInstanceOf(URL);
    for (const target of [
      "http://cdn.example/v.mp4",
      "https://inside.example/v.mp4",
      "https://meta.example/latest",
      "https://mapped.example/v.mp4",
      "https://127.0.0.1/v.mp4",
      "https://[::1]/v.mp4",
      "https://10.0.0.5/v.mp4",
      "https://unresolvable.example/v.mp4",
      "ftp://cdn.example/v.mp4",
      "not a url",
    ]) {
      await expect(checkOutboundUrl(target, publicGateway), target).rejects.toBeInstanceOf(
        OutboundRefusedError,
      );
    }
  });

  it("never names the signed path or query in its refusal", async () => {
    const error = await checkOutboundUrl(
      "https://10.0.0.5/v.mp4?Signature=secret",
      publicGateway,
    ).catch((e: Error) => e);
    expect(String(error)).toContain("10.0.0.5");
    expect(String(error)).not.toContain("secret");
  });

  it("allows what the gateway's own address is, and plain http only to its host", async () => {
    const local = await outboundPolicyFor("http://127.0.0.1:3000/api/demo-gateway");
    expect([...local.allowed]).toEqual(["loopback"]);
    await expect(checkOutboundUrl("http://127.0.0.1:9/x", local)).resolves.toBeInstanceOf(URL);
    await expect(checkOutboundUrl("https://127.0.0.2/x", local)).resolves.toBeInstanceOf(URL);
    await expect(checkOutboundUrl("http://localhost:9/x", local)).rejects.toThrow(/only https/);
    await expect(checkOutboundUrl("https://10.0.0.1/x", local)).rejects.toThrow(/private/);
    await expect(checkOutboundUrl("https://169.254.169.254/x", local)).rejects.toThrow(/metadata/);
    const remote = await outboundPolicyFor("https://gw.example", publicGateway.resolve);
    expect(remote.allowed.size).toBe(0);
    expect(remote.plainHttpHost).toBeUndefined();
  });
});

describe("guardedFetch", () => {
  let server: http.Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("hello");
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("connects through its own lookup when the policy allows the address", async () => {
    const policy: OutboundPolicy = {
      allowed: new Set(["loopback"]),
      plainHttpHost: "gw.test",
      resolve: async () => ["127.0.0.1"],
    };
    const response = await guardedFetch(policy)(`http://gw.test:${port}/x`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hello");
  });

  it("refuses at connect time a name that re-resolves to a private address (DNS rebinding)", async () => {
    const before = connections;
    let calls = 0;
    const policy: OutboundPolicy = {
      allowed: new Set(),
      plainHttpHost: "gw.test",
      // The check sees a public address; the connection's own lookup then sees loopback.
      resolve: async () => (calls++ === 0 ? ["93.184.216.34"] : ["127.0.0.1"]),
    };
    await expect(guardedFetch(policy)(`http://gw.test:${port}/x`)).rejects.toThrow(/loopback/);
    expect(calls).toBe(2);
    expect(connections).toBe(before);
  });
});
