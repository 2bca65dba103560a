import type { Clock } from "../domain/clock";
import { type ConsoleUser, normalizeUserEmail, type UserRole } from "../domain/console-access";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../domain/errors";

export type UserPorts = {
  readonly users: {
    add(email: string, role: UserRole, now: Date): Promise<ConsoleUser | undefined>;
    get(email: string): Promise<ConsoleUser | undefined>;
    remove(email: string): Promise<boolean>;
    list(): Promise<ConsoleUser[]>;
  };
  readonly clock: Clock;
};

const checkedEmail = (input: unknown): string => {
  const email = normalizeUserEmail(input);
  if (email === undefined) {
    throw new ValidationError("The email address is not valid.", [
      { field: "email", message: "is not an email address" },
    ]);
  }
  return email;
};

/** Adds a console user (409 when the address is one already). */
export async function addUser(
  ports: UserPorts,
  input: { email: unknown; role: UserRole },
): Promise<ConsoleUser> {
  const email = checkedEmail(input.email);
  const user = await ports.users.add(email, input.role, ports.clock());
  if (!user) throw new ConflictError(`${email} is a user already.`);
  return user;
}

/** Every console user, admins first, then by address. */
export async function listUsers(ports: UserPorts): Promise<ConsoleUser[]> {
  const users = await ports.users.list();
  return users.sort((a, b) =>
    a.role === b.role ? a.email.localeCompare(b.email) : a.role === "admin" ? -1 : 1,
  );
}

/**
 * Removes a user: their sessions are refused from the next request on (every request checks the
 * user). `by`, when an admin removes someone in the console, may not be the user removed: the last
 * admin could lock everyone out; the CLI can always add one back.
 */
export async function removeUser(ports: UserPorts, input: { email: unknown; by?: string }): Promise<string> {
  const email = checkedEmail(input.email);
  if (input.by !== undefined && input.by === email) throw new ForbiddenError("You can't remove yourself.");
  if (!(await ports.users.remove(email))) throw new NotFoundError(`${email} is not a user.`);
  return email;
}

/** Makes sure a user exists (the local runtime's admin); an existing user keeps their role. */
export async function ensureUser(
  ports: UserPorts,
  input: { email: string; role: UserRole },
): Promise<ConsoleUser> {
  const email = checkedEmail(input.email);
  const existing = await ports.users.get(email);
  if (existing) return existing;
  // Added by someone else between the read and the add: theirs stands.
  const user = (await ports.users.add(email, input.role, ports.clock())) ?? (await ports.users.get(email));
  if (!user) throw new ConflictError(`${email} was added and removed meanwhile; try again.`);
  return user;
}
