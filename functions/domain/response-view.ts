import type { ExportableResponse, ResponseItem } from "./response-export";
import { responseId } from "./response-id";

/*
 * A response as the API's listing and its webhook events show it, without zod (response-export.ts
 * builds the schema of the same item): the events function's cold start loads no schema library.
 */

/** The JSON item of the listing; the token never leaves. */
export function toResponseItem(response: ExportableResponse): ResponseItem {
  return {
    id: responseId(response.token),
    orderId: response.orderId,
    email: response.email,
    name: response.name,
    score: response.score,
    csat: response.csat,
    attributes: response.attributes,
    comment: response.comment,
    properties: response.properties,
    locale: response.locale,
    createdAt: response.createdAt,
    updatedAt: response.updatedAt,
  };
}
