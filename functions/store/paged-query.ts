import {
  type DynamoDBDocumentClient,
  paginateQuery,
  type QueryCommandInput,
  type QueryCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import type { PartitionPrefix } from "./keys";

/** Every item a query matches, page after page (the SDK's paginator follows LastEvaluatedKey). */
export async function queryAll(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  onPage?: (page: QueryCommandOutput) => void,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client: db }, input)) {
    onPage?.(page);
    items.push(...(page.Items ?? []));
  }
  return items;
}

/** The key condition of the items of one partition whose sort key starts with a prefix. */
export const beginsWith = (
  prefix: PartitionPrefix,
): Pick<QueryCommandInput, "KeyConditionExpression" | "ExpressionAttributeValues"> => ({
  KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
  ExpressionAttributeValues: { ":pk": prefix.pk, ":prefix": prefix.skPrefix },
});
