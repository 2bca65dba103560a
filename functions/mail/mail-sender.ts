/** A rendered email and the transport it leaves by: SES in production, the SES emulator locally. */
export type OutgoingEmail = {
  fromName: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  /** Where the recipient's reply goes (a case's owner), when not to the sender. */
  replyTo?: string;
};

export interface MailSender {
  /** Resolves with the provider's message id; throws MailRejectedError when retrying cannot help (this
   * recipient), MailSetupError when no email of the campaign could go (its From, the sender's setup). */
  send(email: OutgoingEmail): Promise<string>;
}

// The From header's encoding is a campaign rule too (its length is checked when the campaign is saved).
export { formatFromAddress } from "../domain/mail-address";
