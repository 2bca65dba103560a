import { UnauthorizedError } from "../domain/errors";

export type AuthenticatePorts = {
  readonly apiKeys: { verify(presented: string): Promise<{ id: string } | undefined> };
};

/**
 * Lets a request through with a known, unrevoked API key, answering the key's id (who asked, for the
 * logs of what must say so); 401 otherwise, with `message` saying how this API takes the key (default:
 * the bearer scheme of `/v1`).
 */
export async function authenticate(
  ports: AuthenticatePorts,
  presented: string | undefined,
  message?: string,
): Promise<string> {
  const key = presented ? await ports.apiKeys.verify(presented) : undefined;
  if (!key) throw new UnauthorizedError(message);
  return key.id;
}
