import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import type { ApiKeyStore } from "../functions/store/api-key-store";

export const LOCAL_API_KEY_NAME = "local";

export type LocalApiKey = {
  readonly apiKey: string;
  /** created: first start; reused: the key file's key is still valid; replaced: it no longer was. */
  readonly status: "created" | "reused" | "replaced";
};

/**
 * The local runtime's API key, kept in clear in `keyFile` (mode 0600) so that every start can print it.
 * A key the table no longer accepts (data folder deleted, key revoked with the CLI) is replaced.
 */
export async function ensureLocalApiKey(
  apiKeys: ApiKeyStore,
  keyFile: string,
  now: Date,
): Promise<LocalApiKey> {
  const saved = existsSync(keyFile) ? readFileSync(keyFile, "utf8").trim() : "";
  if (saved && (await apiKeys.verify(saved))) return { apiKey: saved, status: "reused" };
  const { apiKey } = await apiKeys.create(LOCAL_API_KEY_NAME, now);
  writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
  // The mode above applies only when the file is created; an older file may have been looser.
  chmodSync(keyFile, 0o600);
  return { apiKey, status: saved ? "replaced" : "created" };
}
