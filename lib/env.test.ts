import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const SIGN_IN = {
  AUTH_OIDC_ISSUER: "https://id.example.com/",
  AUTH_OIDC_CLIENT_ID: "wan-studio",
  AUTH_OIDC_CLIENT_SECRET: "client-secret",
  AUTH_SECRET: "a-test-only-secret-of-at-least-32-chars",
  AUTH_ALLOWED_DOMAINS: "example.com",
  AUTH_URL: "https://studio.example.com",
};
const KEY = { VIDEO_API_KEY: "sk-real-key-1234" };

function refusal(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the settings to be refused");
}

describe("settings: sign-in", () => {
  it("needs nothing in demo mode: sign-in off, empty lists", () => {
    const env = parseEnv({});
    expect(env.AUTH_OIDC_ISSUER).toBeUndefined();
    expect(env.AUTH_DISABLED).toBe(false);
    expect(env.AUTH_ALLOWED_DOMAINS).toEqual([]);
    expect(env.AUTH_OIDC_NAME).toBe("SSO");
  });

  it("refuses a real key without sign-in, naming every setting to add", () => {
    const message = refusal(KEY);
    expect(message).toContain("VIDEO_API_KEY");
    for (const name of [
      "AUTH_OIDC_ISSUER",
      "AUTH_OIDC_CLIENT_ID",
      "AUTH_OIDC_CLIENT_SECRET",
      "AUTH_SECRET",
      "AUTH_ALLOWED_DOMAINS",
      "AUTH_ALLOWED_EMAILS",
      "AUTH_DISABLED=true",
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain("sk-real-key-1234");
  });

  it("starts with a real key once sign-in is configured, or explicitly disabled", () => {
    expect(parseEnv({ ...KEY, ...SIGN_IN }).AUTH_ALLOWED_DOMAINS).toEqual(["example.com"]);
    expect(parseEnv({ ...KEY, AUTH_DISABLED: "true" }).AUTH_DISABLED).toBe(true);
  });

  it("names the missing half of an OIDC setup", () => {
    const { AUTH_SECRET: _secret, AUTH_OIDC_CLIENT_SECRET: _client, ...partial } = SIGN_IN;
    const message = refusal(partial);
    expect(message).toMatch(/AUTH_SECRET: sign-in needs/);
    expect(message).toMatch(/AUTH_OIDC_CLIENT_SECRET: sign-in needs/);
    expect(message).not.toMatch(/AUTH_OIDC_ISSUER:/);
  });

  it("refuses sign-in that would let anyone in: an allow-list is required", () => {
    const { AUTH_ALLOWED_DOMAINS: _domains, ...open } = SIGN_IN;
    expect(refusal(open)).toMatch(/AUTH_ALLOWED_DOMAINS: say who may sign in/);
    expect(parseEnv({ ...open, AUTH_ALLOWED_EMAILS: "a@x.test" }).AUTH_ALLOWED_EMAILS).toEqual([
      "a@x.test",
    ]);
  });

  it("parses the lists: trimmed, lower-cased, checked", () => {
    const env = parseEnv({
      ...SIGN_IN,
      AUTH_ALLOWED_DOMAINS: " Example.com, team.test ,",
      AUTH_ADMIN_EMAILS: "Boss@Example.com",
    });
    expect(env.AUTH_ALLOWED_DOMAINS).toEqual(["example.com", "team.test"]);
    expect(env.AUTH_ADMIN_EMAILS).toEqual(["boss@example.com"]);
    expect(refusal({ ...SIGN_IN, AUTH_ALLOWED_DOMAINS: "@example.com" })).toContain(
      "AUTH_ALLOWED_DOMAINS",
    );
    expect(refusal({ ...SIGN_IN, AUTH_ADMIN_EMAILS: "boss" })).toContain("AUTH_ADMIN_EMAILS");
  });

  it("keeps the issuer exactly as given (discovery compares it byte for byte)", () => {
    expect(parseEnv(SIGN_IN).AUTH_OIDC_ISSUER).toBe("https://id.example.com/");
  });

  it("builds sign-in callbacks from settings, never from a request's Host", () => {
    const { AUTH_URL: _url, ...hostless } = SIGN_IN;
    expect(refusal(hostless)).toMatch(/AUTH_URL: sign-in needs the studio's public URL/);
    // Explicitly behind a proxy that sets X-Forwarded-Host, or on Vercel, whose proxy does.
    expect(parseEnv({ ...hostless, AUTH_TRUST_HOST: "true" }).AUTH_TRUST_HOST).toBe(true);
    expect(parseEnv({ ...hostless, VERCEL: "1" }).VERCEL).toBe("1");
  });

  it("refuses a short session secret", () => {
    expect(refusal({ ...SIGN_IN, AUTH_SECRET: "short" })).toContain("AUTH_SECRET");
  });
});

describe("settings: the gateway's create body", () => {
  it("sends both forms unless told otherwise, and refuses a style it does not know", () => {
    expect(parseEnv({}).GATEWAY_BODY_STYLE).toBe("both");
    expect(parseEnv({ GATEWAY_BODY_STYLE: "" }).GATEWAY_BODY_STYLE).toBe("both");
    expect(parseEnv({ GATEWAY_BODY_STYLE: "metadata" }).GATEWAY_BODY_STYLE).toBe("metadata");
    expect(refusal({ GATEWAY_BODY_STYLE: "nested" })).toContain("GATEWAY_BODY_STYLE");
  });
});

describe("settings: gateway dialect", () => {
  it("waits 15 minutes of unbroken `unknown` and needs no prompt by default", () => {
    const env = parseEnv({});
    expect(env.UNKNOWN_STATUS_TIMEOUT_MS).toBe(900_000);
    expect(env.GATEWAY_REQUIRES_PROMPT).toBe(false);
  });

  it("takes a prompt requirement and an unknown bound, and refuses nonsense by name", () => {
    const env = parseEnv({ GATEWAY_REQUIRES_PROMPT: "true", UNKNOWN_STATUS_TIMEOUT_MS: "60000" });
    expect(env.GATEWAY_REQUIRES_PROMPT).toBe(true);
    expect(env.UNKNOWN_STATUS_TIMEOUT_MS).toBe(60_000);
    expect(parseEnv({ GATEWAY_REQUIRES_PROMPT: "" }).GATEWAY_REQUIRES_PROMPT).toBe(false);
    const message = refusal({ GATEWAY_REQUIRES_PROMPT: "maybe", UNKNOWN_STATUS_TIMEOUT_MS: "5" });
    expect(message).toContain("GATEWAY_REQUIRES_PROMPT");
    expect(message).toContain("UNKNOWN_STATUS_TIMEOUT_MS");
  });
});

describe("settings: the demo gateway's dialect", () => {
  it("acts the documented gateway unless told new-api, and refuses another name", () => {
    expect(parseEnv({}).DEMO_GATEWAY_DIALECT).toBe("documented");
    expect(parseEnv({ DEMO_GATEWAY_DIALECT: "" }).DEMO_GATEWAY_DIALECT).toBe("documented");
    expect(parseEnv({ DEMO_GATEWAY_DIALECT: "new-api" }).DEMO_GATEWAY_DIALECT).toBe("new-api");
    expect(refusal({ DEMO_GATEWAY_DIALECT: "mainline" })).toContain("DEMO_GATEWAY_DIALECT");
  });
});
