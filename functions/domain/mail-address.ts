/**
 * The From header of survey emails: how a sender name is written into it, and how long it may be.
 *
 * SES takes the From address verbatim (`"Name" <address>`), 7-bit ASCII only: a name that is not ASCII
 * goes as RFC 2047 encoded words. SES refuses an address field longer than 320 characters, counted on
 * the header as sent (encoded name and address together): a campaign-wide fault, since every email of
 * the campaign carries the same From. The campaign rules keep a sender name within the budget below,
 * whatever sender address a deployment configures (at most MAX_SENDER_ADDRESS_LENGTH characters).
 */

/** The longest address field (From, To) SES accepts, encoded display name included. */
export const SES_MAX_ADDRESS_FIELD_LENGTH = 320;

/** The longest sender address a deployment may configure (the stack and the functions check it). */
export const MAX_SENDER_ADDRESS_LENGTH = 100;

/**
 * What an encoded sender name may take of the From field: 320 less the longest sender address and the
 * " <" ">" around it. Any name of up to 100 ASCII characters fits (202 at worst, every one escaped);
 * about 44 Chinese characters fit.
 */
export const MAX_ENCODED_SENDER_NAME_LENGTH =
  SES_MAX_ADDRESS_FIELD_LENGTH - MAX_SENDER_ADDRESS_LENGTH - " <>".length;

/** RFC 2047 §2: an encoded word is at most 75 characters, `=?UTF-8?B?` and `?=` included. */
const ENCODED_WORD_MAX = 75;
const WORD_PREFIX = "=?UTF-8?B?";
const WORD_SUFFIX = "?=";
/** Bytes one word carries: the base64 of n bytes is 4·⌈n/3⌉ characters, so 63 characters hold 45. */
const WORD_BYTES = (Math.floor((ENCODED_WORD_MAX - WORD_PREFIX.length - WORD_SUFFIX.length) / 4) * 4 * 3) / 4;

/**
 * A display name as it goes in the From header, or "" for none: a quoted string when ASCII, else RFC
 * 2047 base64 words of at most 75 characters each, each holding whole characters (§5: a character's
 * bytes never straddle two words), separated by spaces, which a reader drops between encoded words.
 * Control characters are dropped so nothing can end the header.
 */
export function encodeDisplayName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  if (!clean) return "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII test spans the whole 7-bit range
  if (/^[\u0000-\u007f]*$/.test(clean)) return `"${clean.replace(/[\\"]/g, "\\$&")}"`;
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let bytes = 0;
  const flush = () => {
    if (bytes === 0) return;
    words.push(`${WORD_PREFIX}${Buffer.concat(chunk).toString("base64")}${WORD_SUFFIX}`);
    chunk = [];
    bytes = 0;
  };
  for (const char of clean) {
    const encoded = Buffer.from(char, "utf8");
    if (bytes + encoded.length > WORD_BYTES) flush();
    chunk.push(encoded);
    bytes += encoded.length;
  }
  flush();
  return words.join(" ");
}

/** The From header's value: the encoded display name and the address, or the bare address. */
export function formatFromAddress(name: string, address: string): string {
  const displayName = encodeDisplayName(name);
  return displayName ? `${displayName} <${address}>` : address;
}

/** How many characters a sender name takes in the From header once encoded. */
export const encodedSenderNameLength = (name: string): number => encodeDisplayName(name).length;

/** Whether SES takes `name` as the sender name, whatever allowed sender address it is sent from. */
export const senderNameFits = (name: string): boolean =>
  encodedSenderNameLength(name) <= MAX_ENCODED_SENDER_NAME_LENGTH;

/** Addresses are compared case-insensitively: suppression and throttling must not be dodged by case. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
