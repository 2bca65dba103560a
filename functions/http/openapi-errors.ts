/** OpenAPI response entries for the API's error statuses, all with the one error body. */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Validation failed or the body is not JSON; `details` names each offending field.",
  401: "No API key, or an unknown or revoked one.",
  404: "No such campaign.",
  409: "The campaign changed meanwhile; read it again and retry.",
  413: "Body larger than 256 KB.",
  415: "Body not sent as application/json.",
  429: "Throttled; retry after a short wait.",
};

/** `errorResponses(400, 401)`, or with a route's own wording: `errorResponses({ 400: "…" }, 401)`. */
export function errorResponses(...statuses: (number | Record<number, string>)[]): Record<string, unknown> {
  const overrides = Object.assign({}, ...statuses.filter((s) => typeof s === "object")) as Record<
    number,
    string
  >;
  const codes = [
    ...statuses.filter((s): s is number => typeof s === "number"),
    ...Object.keys(overrides).map(Number),
  ];
  return Object.fromEntries(
    codes.map((status) => [
      String(status),
      {
        description: overrides[status] ?? ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );
}
