// Operations: the SNS topic that alarms publish to, with the client's on-call address subscribed.
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  /**
   * Address that receives alarm notifications. AWS emails it a confirmation link first; nothing is
   * delivered until someone clicks it.
   * @default - no subscription (alarms are visible in the CloudWatch console only)
   */
  readonly email?: string;
}

/**
 * Where CloudWatch alarms send notifications. It refuses publishing over plain HTTP. It has no KMS key:
 * CloudWatch cannot publish to a topic under the AWS-managed SNS key, a customer-managed key costs a
 * monthly fee, and an alarm message carries only metric names and values, no customer data.
 */
export class AlarmTopic extends Construct {
  public readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, "Topic", { displayName: "Open NPS alarms", enforceSSL: true });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
