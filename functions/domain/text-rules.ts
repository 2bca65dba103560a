/**
 * The rules every text from outside follows. Control characters would break email headers (CR/LF) and
 * pages; a lone surrogate is not text at all (UTF-8 cannot encode it, so DynamoDB and every consumer
 * would each replace it differently: two different order ids could become one).
 * No zod here (text.ts builds the zod checks): the survey function checks an answer by hand with these
 * and loads no schema library.
 */

/** A single line: no control character at all. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
/** Several lines: newlines allowed, no other control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const MULTI_LINE = /^[^\u0000-\u0009\u000b-\u001f\u007f]*$/;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

export const WELL_FORMED_MESSAGE = "must be well-formed Unicode text (it holds a lone surrogate)";
