import type { InvitationEmail } from "../domain/invitation";
import type { MailSender } from "./mail-sender";
import { type RenderedEmail, renderInvitationEmail } from "./render-invitation-email";

/** Renders a survey email (HTML, text, unsubscribe headers) and sends it through a transport. */
export class InvitationMailer {
  constructor(private readonly transport: MailSender) {}

  /** The email as it would be sent, without sending it (a preview): the same rendering as `send`. */
  render(email: InvitationEmail): RenderedEmail {
    const { to: _to, ...content } = email;
    return renderInvitationEmail(content);
  }

  /** Resolves with the provider's message id; throws MailRejectedError when retrying cannot help. */
  async send(email: InvitationEmail): Promise<string> {
    return await this.transport.send({ fromName: email.senderName, to: email.to, ...this.render(email) });
  }
}
