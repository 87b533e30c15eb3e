import { beforeAll, describe, expect, it } from "vitest";
import { withFreshDataDir } from "@/lib/media/test-media.mock";

// The app's rule for what its demo gateway may download, with local storage: only its own
// signed /api/media links at the origin it writes into them (and configured extra origins).

withFreshDataDir("wan-policy-");
process.env.PUBLIC_BASE_URL = "https://studio.example.com";
process.env.DEMO_GATEWAY_MEDIA_ORIGINS = "http://127.0.0.1:3223, https://other.example.com/";

let isOwnMediaUrl: typeof import("./media-policy").isOwnMediaUrl;
let signMediaUrl: typeof import("@/lib/storage/signing").signMediaUrl;
const ID = "2f1c6f0e-7d3a-4b8e-9c41-5a6b7c8d9e0f";

beforeAll(async () => {
  ({ isOwnMediaUrl } = await import("./media-policy"));
  ({ signMediaUrl } = await import("@/lib/storage/signing"));
});

const allowed = (url: string) => isOwnMediaUrl(new URL(url));

describe("demo gateway media policy", () => {
  it("allows the app's own signed links, at its public origin or its bound address", async () => {
    expect(await allowed(signMediaUrl("https://studio.example.com", ID))).toBe(true);
    process.env.PORT = "3999";
    expect(await allowed(signMediaUrl("http://127.0.0.1:3999", ID))).toBe(true);
  });

  it("refuses a good signature at another host, a bad or expired one, another path", async () => {
    const good = new URL(signMediaUrl("https://studio.example.com", ID));
    const elsewhere = new URL(good);
    elsewhere.host = "attacker.example.com";
    expect(await isOwnMediaUrl(elsewhere)).toBe(false);
    const badSig = new URL(good);
    badSig.searchParams.set("sig", "A".repeat(43));
    expect(await isOwnMediaUrl(badSig)).toBe(false);
    const expired = signMediaUrl("https://studio.example.com", ID, { now: 0, ttlSeconds: 60 });
    expect(await allowed(expired)).toBe(false);
    const other = new URL(good);
    other.pathname = `/api/tasks/${ID}`;
    expect(await isOwnMediaUrl(other)).toBe(false);
    expect(await allowed("https://studio.example.com/api/media/not-a-media-id?exp=1&sig=x")).toBe(
      false,
    );
  });

  it("allows the origins DEMO_GATEWAY_MEDIA_ORIGINS names, and only those", async () => {
    expect(await allowed("http://127.0.0.1:3223/wan-deployed/media/x?X-Amz-Signature=y")).toBe(
      true,
    );
    expect(await allowed("https://other.example.com/anything.png")).toBe(true);
    expect(await allowed("http://127.0.0.1:3224/wan-deployed/media/x")).toBe(false);
    expect(await allowed("http://169.254.169.254/latest/meta-data/")).toBe(false);
  });
});
