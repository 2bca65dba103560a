import type { Locale } from "../domain/campaign";
import { consoleMessagesFor } from "../domain/console-messages";
import type { MailSender } from "./mail-sender";

/** A console sign-in link, to one user. */
export type SignInLinkEmail = {
  readonly to: string;
  /** The link's page (GET shows a button; only its POST signs in). */
  readonly url: string;
  readonly locale: Locale;
  /** How long the link works. */
  readonly minutes: number;
};

/** Renders and sends the console's sign-in emails (HTML and text) through the product's sender. */
export class SignInMailer {
  constructor(private readonly transport: MailSender) {}

  async sendSignInLink(email: SignInLinkEmail): Promise<string> {
    const m = consoleMessagesFor(email.locale);
    const html = (
      <html lang={email.locale}>
        <body style="font-family:system-ui,sans-serif;color:#1a1a1a;line-height:1.5">
          <p>{m.signInEmailIntro}</p>
          <p>
            <a
              href={email.url}
              style="display:inline-block;padding:12px 20px;border-radius:6px;background:#1d4ed8;color:#ffffff;font-weight:600;text-decoration:none"
            >
              {m.signInEmailButton}
            </a>
          </p>
          <p>{m.signInEmailExpiry(email.minutes)}</p>
          <p style="color:#555">{m.signInEmailIgnore}</p>
        </body>
      </html>
    );
    return await this.transport.send({
      fromName: m.productName,
      to: email.to,
      subject: m.signInEmailSubject,
      html: `<!doctype html>${html.toString()}`,
      text: [
        m.signInEmailIntro,
        "",
        email.url,
        "",
        m.signInEmailExpiry(email.minutes),
        m.signInEmailIgnore,
      ].join("\n"),
      headers: [],
    });
  }
}
