import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got. */
export type Received = { readonly headers: IncomingHttpHeaders; readonly body: string };
/** What the receiver answers to its n-th request (0-based): a status, or no answer at all. */
export type ReceiverAnswer = (n: number) => number | "hang";

export type LoopbackReceiver = {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
};

/**
 * A real HTTP endpoint on 127.0.0.1 that records every request (a webhook subscriber, a Slack incoming
 * webhook) and answers as told: what the product's outbound HTTP talks to in tests.
 */
export async function startLoopbackReceiver(answer: ReceiverAnswer = () => 200): Promise<LoopbackReceiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const status = answer(received.length);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      if (status === "hang") return;
      res.writeHead(status, { "content-type": "text/plain" }).end(`answered ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
