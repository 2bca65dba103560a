/** A rendered email and the transport it leaves by: SES in production, the SES emulator locally. */
export type OutgoingEmail = {
  fromName: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
};

export interface MailSender {
  /** Resolves with the provider's message id; throws MailRejectedError when retrying cannot help. */
  send(email: OutgoingEmail): Promise<string>;
}

/**
 * A display name for a From header: plain quoted-string when ASCII, else an RFC 2047 encoded word,
 * which SES requires for non-ASCII names. Control characters are dropped so nothing can end the header.
 */
export function formatFromAddress(name: string, address: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  if (!clean) return address;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII test spans the whole 7-bit range
  if (/^[\u0000-\u007f]*$/.test(clean)) return `"${clean.replace(/[\\"]/g, "\\$&")}" <${address}>`;
  return `=?UTF-8?B?${Buffer.from(clean, "utf8").toString("base64")}?= <${address}>`;
}
