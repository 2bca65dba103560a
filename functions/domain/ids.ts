import { randomBytes } from "node:crypto";

/** Opaque ids: a type prefix and 96 random bits, URL-safe. Their patterns guard every key built from them. */
export const newCampaignId = (): string => `cmp_${randomBytes(12).toString("base64url")}`;
export const CAMPAIGN_ID_PATTERN = /^cmp_[A-Za-z0-9_-]{16}$/;
