import { describe, expect, it } from "vitest";
import {
  hashAccessSecret,
  isAccessSecret,
  mayOpen,
  newAccessSecret,
  normalizeUserEmail,
  SESSION_IDLE_HOURS,
  safeConsolePath,
  sessionExpiry,
} from "../../functions/domain/console-access";

describe("console access rules", () => {
  it("returns after sign-in only to console paths, never to another site", () => {
    for (const path of ["/app", "/app/campaigns", "/app/cases/cas_1?x=1", "/app?lang=zh-Hant", "/app#top"]) {
      expect(safeConsolePath(path), path).toBe(path);
    }
    for (const path of [
      "//evil.example/app",
      "https://evil.example/app",
      "/application",
      "/app//evil.example",
      "/app/\\evil.example",
      "/app/%2F%2Fevil.example",
      "/v1/campaigns",
      "app/campaigns",
      "/app/ x",
      `/app/${"a".repeat(600)}`,
      undefined,
      42,
    ]) {
      expect(safeConsolePath(path), String(path)).toBe("/app/campaigns");
    }
  });

  it("keys addresses trimmed and lower-cased, and takes the local admin's address", () => {
    expect(normalizeUserEmail("  Ann@Example.COM ")).toBe("ann@example.com");
    expect(normalizeUserEmail("admin@localhost")).toBe("admin@localhost");
    for (const bad of [
      "",
      "ann",
      "ann@",
      "@example.com",
      "a b@example.com",
      "a@b@c",
      `${"a".repeat(250)}@x.io`,
      7,
    ]) {
      expect(normalizeUserEmail(bad), String(bad)).toBeUndefined();
    }
  });

  it("issues 256-bit secrets and keys them by SHA-256", () => {
    const secret = newAccessSecret();
    expect(isAccessSecret(secret)).toBe(true);
    expect(secret).not.toBe(newAccessSecret());
    expect(hashAccessSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(isAccessSecret(`${secret}x`)).toBe(false);
  });

  it("ends a session after its idle hours, never past its absolute end", () => {
    const at = new Date("2026-11-02T09:00:00.000Z");
    const far = new Date("2026-11-09T09:00:00.000Z");
    expect(sessionExpiry(at, far).getTime() - at.getTime()).toBe(SESSION_IDLE_HOURS * 3_600_000);
    const soon = new Date("2026-11-02T10:00:00.000Z");
    expect(sessionExpiry(at, soon)).toEqual(soon);
  });

  it("keeps members out of API keys, users and webhooks", () => {
    for (const section of ["campaigns", "cases"] as const) expect(mayOpen("member", section)).toBe(true);
    for (const section of ["api-keys", "users", "webhooks"] as const) {
      expect(mayOpen("member", section)).toBe(false);
      expect(mayOpen("admin", section)).toBe(true);
    }
  });
});
