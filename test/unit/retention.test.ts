import { describe, expect, it } from "vitest";
import { contactExpiresAt, expiresAt } from "../../functions/domain/retention";

describe("retention", () => {
  it("expires a record RETENTION_DAYS after it was created, in epoch seconds", () => {
    expect(expiresAt("2026-01-01T00:00:00.000Z", 730)).toBe(Date.parse("2028-01-01T00:00:00.000Z") / 1000);
  });

  it("keeps the throttle record at least as long as the longest throttle window", () => {
    expect(contactExpiresAt("2026-01-01T00:00:00.000Z", 180)).toBe(
      Date.parse("2027-01-01T00:00:00.000Z") / 1000,
    );
    expect(contactExpiresAt("2026-01-01T00:00:00.000Z", 730)).toBe(
      expiresAt("2026-01-01T00:00:00.000Z", 730),
    );
  });
});
