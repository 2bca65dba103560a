import { createServer } from "node:net";
import { LocalSetupError } from "./local-errors";

/** Resolves when nothing listens on `port`; otherwise explains which setting moves the service. */
export async function assertPortFree(port: number, service: string, envVar: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new LocalSetupError(
              `Port ${port} (${service}) is already in use: stop whatever uses it (is another 'npm start' running?) or set ${envVar} to a free port.`,
            )
          : error,
      );
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

/** A port the OS says is free right now (tests use these so parallel runs never collide). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls until `check` succeeds or `timeoutMs` passes; a LocalSetupError from `check` ends the wait at once. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await check().catch((error: unknown) => {
      if (error instanceof LocalSetupError) throw error;
      return false;
    });
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LocalSetupError(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s.`);
}
