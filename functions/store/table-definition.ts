/**
 * The single table's physical shape, as plain data: the CDK stack (lib/data-store.ts) and the local
 * runtime's CreateTable (functions/store/create-table.ts) both read it, so DynamoDB Local and AWS
 * always have the same keys and indexes. Which items live under which keys is decided in keys.ts.
 */
export const tableDefinition = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Overloaded secondary index: listings (campaigns, API keys) and, later, the sparse due-invitation index. */
  indexes: [{ name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" }],
  /** Epoch seconds; DynamoDB deletes an item some time after this passes. */
  timeToLiveAttribute: "expiresAt",
} as const;

export type IndexName = (typeof tableDefinition.indexes)[number]["name"];
