import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { withFreshDataDir } from "@/lib/media/test-media.mock";
import { resetSigningSecretForTests, signMediaUrl, verifyMediaSignature } from "./signing";

const dataDir = withFreshDataDir("wan-signing-");
const ID = "3f1c2a9e-5b7d-4c1e-9a2b-0c4d5e6f7a8b";
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

function parts(url: string) {
  const parsed = new URL(url);
  return {
    path: parsed.pathname,
    exp: parsed.searchParams.get("exp"),
    sig: parsed.searchParams.get("sig"),
  };
}

describe("signed media URLs", () => {
  beforeEach(() => resetSigningSecretForTests());

  it("builds base/api/media/<id>?exp&sig and verifies it", () => {
    const url = signMediaUrl("https://studio.example.com/", ID, { ttlSeconds: 600, now: NOW });
    expect(url.startsWith(`https://studio.example.com/api/media/${ID}?exp=`)).toBe(true);
    const { path: pathname, exp, sig } = parts(url);
    expect(pathname).toBe(`/api/media/${ID}`);
    expect(Number(exp)).toBe(NOW / 1000 + 600);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyMediaSignature(ID, exp, sig, NOW)).toBe(true);
    expect(verifyMediaSignature(ID, Number(exp), sig, NOW + 599_000)).toBe(true);
  });

  it("uses MEDIA_URL_TTL_SECONDS (48 h) by default", () => {
    const { exp } = parts(signMediaUrl("http://127.0.0.1:3000", ID, { now: NOW }));
    expect(Number(exp)).toBe(NOW / 1000 + 48 * 3600);
  });

  it("refuses a tampered signature, a moved expiry, another id and missing parts", () => {
    const { exp, sig } = parts(signMediaUrl("http://x", ID, { ttlSeconds: 600, now: NOW }));
    if (!exp || !sig) throw new Error("unsigned");
    const flipped = `${sig.startsWith("A") ? "B" : "A"}${sig.slice(1)}`;
    expect(verifyMediaSignature(ID, exp, flipped, NOW)).toBe(false);
    // The last character's 2 unused bits: another spelling of the same bytes is not accepted.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(sig.at(-1) as string);
    const respelled = `${sig.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(respelled, "base64url")).toEqual(Buffer.from(sig, "base64url"));
    expect(verifyMediaSignature(ID, exp, respelled, NOW)).toBe(false);
    expect(verifyMediaSignature(ID, String(Number(exp) + 3600), sig, NOW)).toBe(false);
    expect(verifyMediaSignature("9f1c2a9e-5b7d-4c1e-9a2b-0c4d5e6f7a8b", exp, sig, NOW)).toBe(false);
    expect(verifyMediaSignature(ID, null, sig, NOW)).toBe(false);
    expect(verifyMediaSignature(ID, exp, null, NOW)).toBe(false);
    expect(verifyMediaSignature(ID, exp, "", NOW)).toBe(false);
    expect(verifyMediaSignature(ID, `${exp}.5`, sig, NOW)).toBe(false);
    expect(verifyMediaSignature(ID, exp, `${sig}AA`, NOW)).toBe(false);
  });

  it("refuses an expired URL", () => {
    const { exp, sig } = parts(signMediaUrl("http://x", ID, { ttlSeconds: 60, now: NOW }));
    expect(verifyMediaSignature(ID, exp, sig, NOW + 59_000)).toBe(true);
    expect(verifyMediaSignature(ID, exp, sig, NOW + 60_000)).toBe(false);
    expect(verifyMediaSignature(ID, exp, sig, NOW + 3600_000)).toBe(false);
  });

  it("keeps a generated secret under DATA_DIR (0600) and reuses it after a restart", () => {
    const file = path.join(dataDir, "media-url-secret");
    const url = signMediaUrl("http://x", ID, { ttlSeconds: 600, now: NOW });
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, "utf8");
    // A "restart": the cache is gone, the file is read back, old URLs stay valid.
    resetSigningSecretForTests();
    const { exp, sig } = parts(url);
    expect(verifyMediaSignature(ID, exp, sig, NOW)).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(secret);
  });
});
