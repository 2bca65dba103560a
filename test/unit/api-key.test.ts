import { describe, expect, it } from "vitest";
import { hashSecret, issueApiKey, parseApiKey, secretMatches } from "../../functions/domain/api-key";

describe("API keys", () => {
  it("issues a key that parses back to its id and secret", () => {
    const issued = issueApiKey();
    expect(parseApiKey(issued.apiKey)).toEqual({ id: issued.id, secret: issued.secret });
    expect(issued.secretHash).toBe(hashSecret(issued.secret));
    expect(issued.apiKey).not.toContain(issued.secretHash);
  });

  it("issues different keys each time", () => {
    expect(issueApiKey().apiKey).not.toBe(issueApiKey().apiKey);
  });

  it("matches only the right secret", () => {
    const issued = issueApiKey();
    expect(secretMatches(issued.secret, issued.secretHash)).toBe(true);
    expect(secretMatches(issueApiKey().secret, issued.secretHash)).toBe(false);
    expect(secretMatches(issued.secret, "not-hex")).toBe(false);
  });

  it.each([
    "",
    "nps_",
    "Bearer x",
    `nps_${"g".repeat(16)}_${"a".repeat(43)}`,
    `nps_${"a".repeat(16)}_${"a".repeat(42)}`,
  ])("refuses the malformed key %j", (key) => {
    expect(parseApiKey(key)).toBeUndefined();
  });
});
