import type { InvitationEmail } from "../domain/invitation";
import type { MailSender } from "./mail-sender";
import { renderInvitationEmail } from "./render-invitation-email";

/** Renders a survey email (HTML, text, unsubscribe headers) and sends it through a transport. */
export class InvitationMailer {
  constructor(private readonly transport: MailSender) {}

  /** Resolves with the provider's message id; throws MailRejectedError when retrying cannot help. */
  async send(email: InvitationEmail): Promise<string> {
    const { to, ...content } = email;
    return await this.transport.send({ fromName: email.senderName, to, ...renderInvitationEmail(content) });
  }
}
