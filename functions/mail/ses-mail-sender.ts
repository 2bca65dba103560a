import { SESv2Client, type SESv2ClientConfig, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { MailRejectedError, MailSetupError } from "../domain/errors";
import { SES_MAX_ADDRESS_FIELD_LENGTH } from "../domain/mail-address";
import { formatFromAddress, type MailSender, type OutgoingEmail } from "./mail-sender";

/**
 * SES errors about the account or the sender's setup (a suspended or paused account, an unverified
 * MAIL FROM domain, a missing configuration set, a send the role may not make): every message would
 * fail alike. They become MailSetupError, which is transient: the queue retries them and past its
 * receive limit they land in the dead-letter queue; the send handler counts them for their own alarm.
 * Giving them up as rejected would silently skip every survey.
 */
const SETUP = new Set([
  "AccountSuspendedException",
  "SendingPausedException",
  "MailFromDomainNotVerifiedException",
  "NotFoundException",
  "AccessDeniedException",
]);

/**
 * An address SES would take as a recipient: 7-bit ASCII without spaces, a local part of at most 64
 * characters and a domain of LDH labels of at most 63 (RFC 5321). The API refuses most others already;
 * one that slips through (an over-long part) is this recipient's problem, never the campaign's.
 */
export function isDeliverableAddress(address: string): boolean {
  const at = address.lastIndexOf("@");
  if (at <= 0 || address.length > 254 || !/^[!-~]+$/.test(address)) return false;
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split(".");
  return (
    local.length <= 64 &&
    labels.length >= 2 &&
    labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label))
  );
}

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
    const from = formatFromAddress(email.fromName, this.options.fromAddress);
    // SES would refuse it for every email of the campaign (BadRequest); saying why is better.
    if (from.length > SES_MAX_ADDRESS_FIELD_LENGTH) {
      throw new MailSetupError(
        `The From address is ${from.length} characters once its name is encoded; SES takes at most ` +
          `${SES_MAX_ADDRESS_FIELD_LENGTH}: shorten the campaign's senderName.`,
      );
    }
    try {
      const result = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [email.to] },
          ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
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
      throw this.classify(error, email.to);
    }
  }

  /**
   * Which of our errors an SES refusal is: about this recipient (given up, the others go on), about
   * the campaign's or the sender's setup (every email would fail alike), or anything else (transient).
   */
  private classify(error: unknown, to: string): unknown {
    if (!(error instanceof Error)) return error;
    // Logged and retried as the campaign's fault: the customer's address stays out of it.
    const described = `${error.name}: ${error.message.split(to).join("<recipient>")}`;
    const setup = (cause: Error) => new MailSetupError(described, { cause });
    if (SETUP.has(error.name)) return setup(error);
    if (error.name === "MessageRejected") {
      // "Email address is not verified. The following identities failed the check …" names the
      // identities: the sender's is a setup fault; a recipient's (in the SES sandbox) is that recipient's.
      const namesSender = error.message.toLowerCase().includes(this.options.fromAddress.toLowerCase());
      return namesSender ? setup(error) : new MailRejectedError(error.message);
    }
    if (error.name === "BadRequestException") {
      // SES does not say which part it refuses ("Illegal address", "Missing final '@domain'"). The
      // From, the Subject and the headers are the campaign's, alike in every email of a language; the
      // recipient is this email's own. Unless it is the malformed part, every email would fail alike.
      return isDeliverableAddress(to) ? setup(error) : new MailRejectedError(error.message);
    }
    return error;
  }
}
