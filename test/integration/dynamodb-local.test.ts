import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { describe, expect, inject, it } from "vitest";

/** Resolves "connected" or the error code of a TCP connection to host:port. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * This machine's addresses other than loopback: how another host on the network would reach it.
 * Link-local IPv6 addresses need an interface to connect through, and reach no further than the link.
 */
const outwardAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((address) => address !== undefined && !address.internal && !address.address.startsWith("fe80:"))
  .map((address) => address?.address ?? "");

describe("DynamoDB Local (the one npm start and the tests run)", () => {
  const port = Number(new URL(inject("dynamoEndpoint")).port);

  it("answers on 127.0.0.1", async () => {
    expect(await tryConnect("127.0.0.1", port)).toBe("connected");
  });

  // A machine with no network interface but loopback has nothing to check here.
  it.skipIf(outwardAddresses.length === 0)(
    "refuses connections on every other address of this machine: the table is not open to the network",
    async () => {
      for (const address of outwardAddresses) {
        expect({ address, result: await tryConnect(address, port) }).toEqual({
          address,
          result: "ECONNREFUSED",
        });
      }
    },
  );
});
