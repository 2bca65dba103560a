import { createRequire } from "node:module";
import { closeServer } from "./http-server";
import { LocalSetupError } from "./local-errors";

/**
 * aws-ses-v2-local, in this process: an SES endpoint that keeps every email it is asked to send, shows
 * them in its inbox viewer at `/`, and lists them as JSON at `GET /store`. Emails live in memory only.
 */
export type SesLocal = { readonly url: string; stop(): Promise<void> };

type SesModule = typeof import("aws-ses-v2-local");

export async function startSesLocal(options: { port: number }): Promise<SesLocal> {
  // A CommonJS package with an `exports.default`: require() gives the same shape under tsx and vitest.
  const { default: sesServer } = createRequire(import.meta.url)("aws-ses-v2-local") as SesModule;
  const server = await sesServer({ host: "127.0.0.1", port: options.port });
  // Its listen callback also runs on a listen error, so a refused port shows up only here.
  if (!server.listening) {
    throw new LocalSetupError(
      `Port ${options.port} (SES emulator) is already in use: set SES_PORT to a free port.`,
    );
  }
  return { url: `http://localhost:${options.port}`, stop: () => closeServer(server) };
}
