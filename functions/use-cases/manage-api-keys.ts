import { checkApiKeyName } from "../domain/api-key";
import type { Clock } from "../domain/clock";
import { NotFoundError } from "../domain/errors";
import { orThrow } from "../domain/validation";

/** An API key as listed: never its secret, which exists only in the answer that created it. */
export type ApiKeySummary = { id: string; name: string; createdAt: string; revokedAt: string | null };

export type ApiKeyPorts = {
  readonly apiKeys: {
    create(name: string, now: Date): Promise<{ record: ApiKeySummary; apiKey: string }>;
    revoke(id: string, now: Date): Promise<boolean>;
    list(): Promise<ApiKeySummary[]>;
  };
  readonly clock: Clock;
};

/** A new key named `name`: the record, and the key itself to show once. */
export async function createApiKey(
  ports: ApiKeyPorts,
  name: unknown,
): Promise<{ record: ApiKeySummary; apiKey: string }> {
  return await ports.apiKeys.create(orThrow(checkApiKeyName(name), "API key"), ports.clock());
}

/** Every key, newest first, revoked ones included (they say when). */
export async function listApiKeys(ports: Pick<ApiKeyPorts, "apiKeys">): Promise<ApiKeySummary[]> {
  const keys = await ports.apiKeys.list();
  return keys.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Revokes a key at once; 404 when there is no such key. Revoking twice keeps the first time. */
export async function revokeApiKey(ports: ApiKeyPorts, id: string): Promise<void> {
  if (!(await ports.apiKeys.revoke(id, ports.clock()))) throw new NotFoundError(`No API key ${id}.`);
}
