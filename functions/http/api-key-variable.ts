/**
 * The id of the API key a request was authenticated with, as a Hono context variable: set by the
 * authentication middleware of `/v1` and of the Delighted-compatible API, read by the routes whose use
 * cases log who asked (an erasure).
 */
export const API_KEY_ID = "apiKeyId";

declare module "hono" {
  interface ContextVariableMap {
    [API_KEY_ID]: string;
  }
}
