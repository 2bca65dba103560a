import { SESv2Client, type SESv2ClientConfig, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { MailRejectedError } from "../domain/errors";
import { formatFromAddress, type MailSender, type OutgoingEmail } from "./mail-sender";

/**
 * Errors about this one message, after which it can never succeed: it is given up, and the others go
 * on. Errors about the sender's own setup (an unverified MAIL FROM domain, a missing configuration
 * set, a paused account) are not here on purpose: they would fail every message alike, so they are
 * thrown as transient, the queue retries them, and past its receive limit they land in the dead-letter
 * queue, whose alarm tells the operator. Giving them up would silently skip every survey.
 */
const PERMANENT = new Set(["MessageRejected", "BadRequestException"]);

export type SesMailSenderOptions = {
  /** The verified address mail is sent from. */
  readonly fromAddress: string;
  /** The stack's configuration set: bounce and complaint events flow from it. Unset locally. */
  readonly configurationSetName?: string | undefined;
  /** Set for the SES emulator; unset on AWS. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  /** SDK attempts per message; throttling is retried with exponential backoff and jitter by the SDK. */
  readonly maxAttempts?: number;
};

/**
 * Sends through SES v2 `SendEmail` with simple content and custom headers: SES builds the MIME, and
 * the List-Unsubscribe headers travel as headers. Retries of throttling use the SDK's
 * adaptive mode (backoff with jitter plus a client-side rate limiter); what is still failing after that
 * goes back to the queue.
 */
export class SesMailSender implements MailSender {
  private readonly client: SESv2Client;

  constructor(private readonly options: SesMailSenderOptions) {
    const config: SESv2ClientConfig = {
      retryMode: "adaptive",
      maxAttempts: options.maxAttempts ?? 6,
      ...(options.region ? { region: options.region } : {}),
    };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
      config.region = options.region ?? "us-east-1";
      config.credentials = { accessKeyId: "local", secretAccessKey: "local" };
    }
    this.client = new SESv2Client(config);
  }

  async send(email: OutgoingEmail): Promise<string> {
    try {
      const result = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: formatFromAddress(email.fromName, this.options.fromAddress),
          Destination: { ToAddresses: [email.to] },
          ConfigurationSetName: this.options.configurationSetName,
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: "UTF-8" },
              Body: {
                Html: { Data: email.html, Charset: "UTF-8" },
                Text: { Data: email.text, Charset: "UTF-8" },
              },
              Headers: email.headers.map((header) => ({ Name: header.name, Value: header.value })),
            },
          },
        }),
      );
      return result.MessageId ?? "";
    } catch (error) {
      if (error instanceof Error && PERMANENT.has(error.name)) throw new MailRejectedError(error.message);
      throw error;
    }
  }
}
