import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

export type RunningServer = { url: string; close(): Promise<void> };

/** Serves a Hono app on a free loopback port: tests speak real HTTP, as clients do. */
export async function startServer(app: Hono): Promise<RunningServer> {
  return await new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
