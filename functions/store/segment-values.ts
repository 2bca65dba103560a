import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { MAX_SEGMENT_VALUES, NO_SEGMENT, normalizeSegmentValue, OTHER_SEGMENT } from "../domain/counters";
import { segmentValuesKey } from "./keys";

/**
 * The segment values an answer or a send counts under. ResultsStore extends this with the aggregates'
 * reads and writes; the survey function uses this class alone, so its bundle carries none of those.
 */
export class SegmentValues {
  /**
   * Segment values this process has seen admitted, by campaign and property. An admitted value is never
   * removed, so a hit is always right and skips the write: without it every send rewrites the value
   * set (up to 200 values, billed by its size) once per segment property.
   */
  private readonly admitted = new Map<string, Set<string>>();

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /**
   * The segment value an event counts under, per segmentBy property. Each property keeps at most
   * MAX_SEGMENT_VALUES distinct values (a conditional ADD to a set, safe under concurrency); values past
   * that are counted as "(other)", so a property with free-form values cannot grow the table without
   * bound. Missing properties count as "(none)".
   */
  async resolveSegments(
    campaignId: string,
    segmentBy: readonly string[],
    properties: Record<string, string | number | boolean>,
    known: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    const segments: Record<string, string> = {};
    for (const property of segmentBy) {
      const already = known[property];
      if (already !== undefined) {
        segments[property] = already;
        continue;
      }
      const value = normalizeSegmentValue(properties[property]);
      segments[property] = value === NO_SEGMENT ? value : await this.admitValue(campaignId, property, value);
    }
    return segments;
  }

  private async admitValue(campaignId: string, property: string, value: string): Promise<string> {
    const cacheKey = JSON.stringify([campaignId, property]);
    const known = this.admitted.get(cacheKey);
    if (known?.has(value)) return value;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: segmentValuesKey(campaignId, property),
          UpdateExpression: "ADD #values :value",
          ConditionExpression:
            "attribute_not_exists(#values) OR contains(#values, :one) OR size(#values) < :cap",
          ExpressionAttributeNames: { "#values": "values" },
          ExpressionAttributeValues: {
            ":value": new Set([value]),
            ":one": value,
            ":cap": MAX_SEGMENT_VALUES,
          },
        }),
      );
      if (known) known.add(value);
      else this.admitted.set(cacheKey, new Set([value]));
      return value;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return OTHER_SEGMENT;
      throw error;
    }
  }
}
