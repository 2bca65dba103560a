import { lookup as dnsLookup } from "node:dns";
import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPublicAddress, RESPONSE_EXCERPT_BYTES, SECURE_WEBHOOK_TARGETS } from "../domain/webhook-delivery";

export type HttpWebhookPosterOptions = {
  /** The most one request may take, from connecting to the end of reading the answer. Default 10 s. */
  readonly timeoutMs?: number;
  /** Call loopback, private and other non-public addresses (the local runtime and tests). Default false. */
  readonly allowPrivateTargets?: boolean;
  /** Call http:// URLs (the local runtime and tests). Default false. */
  readonly allowHttp?: boolean;
  /** The most of an answer read off the wire and kept as its excerpt. Default 1 KB. */
  readonly maxResponseBytes?: number;
};

/** The answer of one POST: the status, or why none came. */
export type HttpPostResult = {
  readonly status: number | null;
  readonly durationMs: number;
  readonly error?: string;
  readonly responseExcerpt?: string;
};

const DEFAULT_TIMEOUT_MS = 10_000;
const USER_AGENT = "open-nps-webhooks/1";

/**
 * POSTs webhook deliveries with node's own http/https client: no redirects followed, one fresh
 * connection per request, a bounded time and a bounded read of the answer. On the secure setting
 * (the default, as on AWS) it calls only https URLs whose host is a public address: an IP literal is
 * judged as is, a name is judged by what it resolves to, and the connection goes to exactly the
 * address judged (the `lookup` given to the request), so a DNS answer that changes between the check
 * and the connection (DNS rebinding) cannot reach the deployment's network or 169.254.169.254.
 * Never throws: a refused address, a timeout or a reset is a result with `status` null and `error`.
 */
export class HttpWebhookPoster {
  private readonly timeoutMs: number;
  private readonly allowPrivateTargets: boolean;
  private readonly allowHttp: boolean;
  private readonly maxResponseBytes: number;

  constructor(options: HttpWebhookPosterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.allowPrivateTargets = options.allowPrivateTargets ?? SECURE_WEBHOOK_TARGETS.allowPrivateTargets;
    this.allowHttp = options.allowHttp ?? SECURE_WEBHOOK_TARGETS.allowHttp;
    this.maxResponseBytes = options.maxResponseBytes ?? RESPONSE_EXCERPT_BYTES;
  }

  async post(request: {
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  }): Promise<HttpPostResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const failed = (error: string): HttpPostResult => ({ status: null, durationMs: elapsed(), error });

    if (!URL.canParse(request.url)) return failed("The URL is not valid.");
    const target = new URL(request.url);
    if (target.protocol !== "https:" && !(target.protocol === "http:" && this.allowHttp)) {
      return failed(`Refused: only https URLs are called, not ${target.protocol}.`);
    }
    const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
    // An IP literal is connected to without a lookup: judged here.
    if (isIP(host) !== 0 && !this.allowPrivateTargets && !isPublicAddress(host)) {
      return failed(`Refused: ${host} is not a public address.`);
    }

    return await new Promise<HttpPostResult>((resolve) => {
      let settled = false;
      let response: IncomingMessage | undefined;
      const chunks: Buffer[] = [];
      let read = 0;
      const answered = (): HttpPostResult => {
        const excerpt = Buffer.concat(chunks).toString("utf8");
        return {
          status: response?.statusCode ?? null,
          durationMs: elapsed(),
          ...(excerpt === "" ? {} : { responseExcerpt: excerpt }),
        };
      };
      const finish = (result: HttpPostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // Whatever is left of the answer is not read: the connection is not reused anyway.
        req.destroy();
        resolve(result);
      };
      const timer = setTimeout(() => {
        finish(
          response
            ? { ...answered(), error: `The answer took longer than ${this.timeoutMs} ms.` }
            : failed(`No answer within ${this.timeoutMs} ms.`),
        );
      }, this.timeoutMs);

      const send = target.protocol === "https:" ? httpsRequest : httpRequest;
      const req: ClientRequest = send(
        target,
        {
          method: "POST",
          headers: {
            ...request.headers,
            "content-length": String(Buffer.byteLength(request.body)),
            "user-agent": USER_AGENT,
          },
          agent: false,
          lookup: this.lookup,
        },
        (res) => {
          response = res;
          res.on("data", (chunk: Buffer) => {
            chunks.push(chunk.subarray(0, this.maxResponseBytes - read));
            read += chunk.length;
            if (read >= this.maxResponseBytes) finish(answered());
          });
          res.on("end", () => finish(answered()));
          // The status line came: a connection lost while reading the rest leaves that status.
          res.on("error", () => finish(answered()));
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        finish(response ? answered() : failed(describeFailure(error)));
      });
      req.end(request.body);
    });
  }

  /**
   * Resolves a host name and keeps the first address allowed: on the secure setting a public one.
   * Handing back that one address pins the connection to it.
   */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) {
        callback(error, "", 0);
        return;
      }
      const allowed = this.allowPrivateTargets
        ? addresses
        : addresses.filter((candidate) => isPublicAddress(candidate.address));
      const chosen = allowed[0];
      if (!chosen) {
        const refused: NodeJS.ErrnoException = new Error(
          `Refused: ${hostname} resolves to ${addresses.map((a) => a.address).join(", ")}, not a public address.`,
        );
        refused.code = "ENOTPUBLIC";
        callback(refused, "", 0);
        return;
      }
      if (options.all) callback(null, [chosen]);
      else callback(null, chosen.address, chosen.family);
    });
  };
}

/** A failed request in a sentence for the deliveries log. */
function describeFailure(error: NodeJS.ErrnoException): string {
  if (error.code === "ENOTPUBLIC") return error.message;
  const known: Record<string, string> = {
    ECONNREFUSED: "The connection was refused.",
    ECONNRESET: "The connection was reset before an answer came.",
    ENOTFOUND: "The host name does not resolve.",
    EAI_AGAIN: "The host name could not be resolved right now.",
  };
  return (
    (error.code && known[error.code]) ||
    `${error.code ? `${error.code}: ` : ""}${error.message}`.slice(0, 300)
  );
}
