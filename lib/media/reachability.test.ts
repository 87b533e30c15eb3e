import { describe, expect, it } from "vitest";
import { isPrivateHost, unreachableMediaWarning } from "./reachability";

describe("isPrivateHost", () => {
  it.each([
    "localhost",
    "LOCALHOST",
    "app.localhost",
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.5",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.20",
    "169.254.169.254",
    "0.0.0.0",
    "::1",
    "[::1]",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "::ffff:10.1.2.3",
    "::ffff:7f00:1",
    "studio.local",
    "minio.internal",
    "printer.local.",
    "",
  ])("%s is private", (host) => {
    expect(isPrivateHost(host)).toBe(true);
  });

  it.each([
    "studio.example.com",
    "8.8.8.8",
    "172.15.0.1",
    "172.32.0.1",
    "192.169.0.1",
    "11.0.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "bucket.s3.us-east-1.amazonaws.com",
    "acc.r2.cloudflarestorage.com",
    "localhost.example.com",
    "internal.example.com",
  ])("%s is public", (host) => {
    expect(isPrivateHost(host)).toBe(false);
  });
});

describe("unreachableMediaWarning", () => {
  it("says what to fix when a real gateway would get private media URLs", () => {
    expect(
      unreachableMediaWarning("http://127.0.0.1:3000/api/media/x?exp=1&sig=y", {
        demoGateway: false,
      }),
    ).toBe(
      "The video gateway fetches uploaded media from http://127.0.0.1:3000, a private address it cannot reach, so videos would fail after you submit. Configure S3 storage or set PUBLIC_BASE_URL to an address the gateway can reach.",
    );
    expect(
      unreachableMediaWarning("http://[::1]:9000/bucket/media/x", { demoGateway: false }),
    ).toContain("http://[::1]:9000");
    expect(
      unreachableMediaWarning("http://minio.internal:9000/b/k", { demoGateway: false }),
    ).toMatch(/Configure S3 storage or set PUBLIC_BASE_URL/);
  });

  it("stays quiet for public URLs and for the in-app demo gateway", () => {
    expect(
      unreachableMediaWarning("https://studio.example.com/api/media/x", { demoGateway: false }),
    ).toBeUndefined();
    expect(
      unreachableMediaWarning("https://b.s3.eu-west-1.amazonaws.com/media/x?X-Amz-Signature=1", {
        demoGateway: false,
      }),
    ).toBeUndefined();
    expect(
      unreachableMediaWarning("http://127.0.0.1:3000/api/media/x", { demoGateway: true }),
    ).toBeUndefined();
  });

  it("warns about an address that is not a URL at all", () => {
    expect(unreachableMediaWarning("not a url", { demoGateway: false })).toMatch(/PUBLIC_BASE_URL/);
  });
});
