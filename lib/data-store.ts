// Stateful: the one DynamoDB table that holds all state, built from the shared table definition.
import { RemovalPolicy } from "aws-cdk-lib";
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { tableDefinition } from "../functions/store/table-definition";

export interface DataStoreProps {
  /**
   * Refuse DeleteTable calls (console, CLI, or a CloudFormation replacement) until switched off.
   * RETAIN already keeps the table when the stack is deleted; this also guards against a stray call.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The single table: on-demand, point-in-time recovery, TTL, a stream of every change with its old and
 * new images (the outbox the events function reads), encrypted with the AWS-managed key, and retained
 * when the stack or this construct goes away. It has no physical name (CloudFormation picks one, so
 * several stages can share an account) and a stable construct id, because a new logical id would make
 * CloudFormation create an empty table and orphan the old one.
 */
export class DataStore extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: DataStoreProps = {}) {
    super(scope, id);

    const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

    // Keys, indexes, TTL and the stream come from tableDefinition and nothing else, so the local
    // runtime's table (functions/store/create-table.ts) and this one cannot drift apart.
    this.table = new Table(this, "Table", {
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      // Adding a stream to an existing table is an in-place update: the table keeps its data and id.
      stream: StreamViewType[tableDefinition.streamViewType],
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const index of tableDefinition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        ...(index.projectedAttributes === "all"
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projectedAttributes] }),
      });
    }
  }
}
