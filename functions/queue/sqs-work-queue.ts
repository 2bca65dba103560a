import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { DeliveryMessage } from "../domain/invitation";

/** The send queue on AWS. A batch entry SQS refuses throws: its claim expires and it is dispatched again. */
export class SqsWorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  static fromUrl(queueUrl: string, region?: string): SqsWorkQueue {
    return new SqsWorkQueue(new SQSClient(region ? { region } : {}), queueUrl);
  }

  async enqueue(messages: DeliveryMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(message),
          })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        throw new Error(
          `SQS refused ${result.Failed.length} delivery message(s): ${result.Failed[0]?.Message ?? ""}`,
        );
      }
    }
  }

  /** Messages waiting and in flight, as SQS approximates them (a few seconds behind). */
  async depth(): Promise<number> {
    const { Attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }
}
