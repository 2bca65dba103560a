import type { Server } from "node:http";
import { LocalSetupError } from "./local-errors";

/** Starts listening on 127.0.0.1; a port taken since the up-front check still gets a one-line explanation. */
export async function listenLocally(
  server: Server,
  port: number,
  service: string,
  envVar: string,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new LocalSetupError(`Port ${port} (${service}) is already in use: set ${envVar} to a free port.`)
          : error,
      );
    };
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/**
 * Stops accepting connections and resolves once the server is closed: idle keep-alive connections (a
 * browser tab, the inbox viewer polling) are dropped at once, requests in flight get a moment to finish.
 */
export async function closeServer(server: Server, graceMs = 2_000): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
