import { UnauthorizedError } from "../domain/errors";

export type AuthenticatePorts = {
  readonly apiKeys: { verify(presented: string): Promise<{ id: string } | undefined> };
};

/** Lets a request through with a known, unrevoked API key; 401 otherwise. */
export async function authenticate(ports: AuthenticatePorts, presented: string | undefined): Promise<void> {
  if (!presented || !(await ports.apiKeys.verify(presented))) throw new UnauthorizedError();
}
