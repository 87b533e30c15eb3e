import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "./csp";

describe("contentSecurityPolicy", () => {
  it("allows scripts only with the nonce, and no framing", () => {
    const policy = contentSecurityPolicy({ nonce: "abc" });
    expect(policy).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("form-action 'self'");
  });

  it("lets media and uploads reach the bucket, and sign-in post to the provider", () => {
    const policy = contentSecurityPolicy({
      nonce: "n",
      storageOrigins: ["https://bucket.example.com"],
      signInOrigin: "https://login.example.com",
    });
    expect(policy).toContain("media-src 'self' blob: https://bucket.example.com");
    expect(policy).toContain("connect-src 'self' blob: https://bucket.example.com");
    expect(policy).toContain("form-action 'self' https://login.example.com");
  });

  it("makes a fresh 128-bit nonce each time", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });
});
