/**
 * The single table's physical shape, as plain data: the CDK stack (lib/data-store.ts) and the local
 * runtime's CreateTable (functions/store/create-table.ts) both read it, so DynamoDB Local and AWS
 * always have the same keys and indexes. Which items live under which keys is decided in keys.ts.
 */
export const tableDefinition = {
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [
    /** Overloaded listing index: campaigns, API keys, a campaign's responses (every attribute projected). */
    { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk", projectedAttributes: "all" },
    /**
     * The work index: due invitations spread over shards, invitations parked while their campaign is
     * paused, and the resumed campaigns whose parked invitations are to be put back. It projects only
     * what the dispatcher reads, so an invitation's properties (up to 8 KB) are not copied into it.
     */
    {
      name: "gsi2",
      partitionKey: "gsi2pk",
      sortKey: "gsi2sk",
      projectedAttributes: ["token", "nextAction", "sendFailures"],
    },
  ],
  /**
   * The table's stream, the outbox of the events function (alerts, cases, webhooks): every committed
   * change with its old and new image, so an edit can be told from a first answer.
   */
  streamViewType: "NEW_AND_OLD_IMAGES",
  /** Epoch seconds; DynamoDB deletes an item some time after this passes. */
  timeToLiveAttribute: "expiresAt",
} as const;

export type IndexName = (typeof tableDefinition.indexes)[number]["name"];
export type IndexDefinition = (typeof tableDefinition.indexes)[number];
