import { describe, expect, it } from "vitest";
import { displayName, memberFor, safeReturnPath, type TeamRules } from "./members";

const rules: TeamRules = {
  allowedDomains: ["team.test"],
  allowedEmails: ["freelancer@studio.test"],
  adminEmails: ["admin@team.test", "outsider-admin@evil.test"],
};

describe("memberFor: who may sign in", () => {
  it("lets in a verified address at an allowed domain, keyed on the lower-cased email", () => {
    expect(
      memberFor({ email: "Alice@Team.Test", emailVerified: true, name: " Alice " }, rules),
    ).toEqual({ id: "alice@team.test", email: "alice@team.test", name: "Alice", isAdmin: false });
  });

  it("lets in an address on the email list, whatever its domain", () => {
    expect(memberFor({ email: "freelancer@studio.test" }, rules)?.id).toBe(
      "freelancer@studio.test",
    );
    expect(memberFor({ email: "other@studio.test" }, rules)).toBeNull();
  });

  it("matches the domain exactly: no subdomains, no look-alikes", () => {
    for (const email of [
      "eve@evil.test",
      "eve@sub.team.test",
      "eve@team.test.evil.test",
      "eve@evilteam.test",
      "team.test@evil.test",
    ]) {
      expect(memberFor({ email, emailVerified: true }, rules), email).toBeNull();
    }
  });

  it("refuses an unverified, missing or malformed address", () => {
    expect(memberFor({ email: "alice@team.test", emailVerified: false }, rules)).toBeNull();
    expect(memberFor({ email: null }, rules)).toBeNull();
    expect(memberFor({ email: "" }, rules)).toBeNull();
    expect(memberFor({ email: "team.test" }, rules)).toBeNull();
    expect(memberFor({ email: "@team.test" }, rules)).toBeNull();
  });

  it("makes admins of listed members only; the admin list alone lets nobody in", () => {
    expect(memberFor({ email: "ADMIN@team.test" }, rules)?.isAdmin).toBe(true);
    expect(memberFor({ email: "outsider-admin@evil.test" }, rules)).toBeNull();
  });

  it("with empty lists, lets nobody in", () => {
    const none = { allowedDomains: [], allowedEmails: [], adminEmails: [] };
    expect(memberFor({ email: "alice@team.test" }, none)).toBeNull();
  });
});

describe("displayName and safeReturnPath", () => {
  it("shows the name, else the email", () => {
    expect(displayName({ name: "Alice", email: "alice@team.test" })).toBe("Alice");
    expect(displayName({ name: null, email: "alice@team.test" })).toBe("alice@team.test");
  });

  it("keeps a return path inside the app", () => {
    expect(safeReturnPath("/videos?state=failed")).toBe("/videos?state=failed");
    for (const bad of ["https://evil.test", "//evil.test", "/\\evil.test", "evil", "", 42, null]) {
      expect(safeReturnPath(bad), String(bad)).toBe("/");
    }
    expect(safeReturnPath("/\u0000x")).toBe("/");
  });
});
