import type { Context } from "hono";
import { MalformedBodyError, UnsupportedMediaTypeError } from "../domain/errors";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** True when the request declares a JSON body. */
export const isJsonRequest = (c: Context): boolean => JSON_TYPE.test(c.req.header("content-type") ?? "");

/** Reads a JSON body: 415 unless it is declared JSON, 400 unless it parses. */
export async function readJsonBody(c: Context): Promise<unknown> {
  if (!isJsonRequest(c)) throw new UnsupportedMediaTypeError("application/json");
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedBodyError();
  }
}

/**
 * Reads posted fields from a form (what a page sends) or a JSON object: 415 for any other type, 400
 * for a body that does not parse as what it claims to be (broken JSON, a broken multipart boundary).
 */
export async function readFormFields(c: Context): Promise<Record<string, unknown>> {
  if (isJsonRequest(c)) {
    const parsed = await readJsonBody(c);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
    throw new MalformedBodyError("The request body must be a JSON object.");
  }
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
    throw new UnsupportedMediaTypeError("a form (application/x-www-form-urlencoded) or application/json");
  }
  try {
    const form = await c.req.parseBody({ all: false });
    return Object.fromEntries(Object.entries(form).filter(([, value]) => typeof value === "string"));
  } catch {
    throw new MalformedBodyError("The request body is not a valid form.");
  }
}
