/** A problem with the developer's machine that one sentence can explain: printed without a stack trace. */
export class LocalSetupError extends Error {
  override name = "LocalSetupError";
}
