import { ArnFormat, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { ComparisonOperator, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FunctionName } from '../routes';
import { pascal } from './construct-ids';
import { DeadLetterAlarm } from './dead-letter-alarm';
import type { HubFunction } from './hub-function';
import type { ReviewWorkflow } from './review-workflow';

// The ops topic and every alarm that goes to it. Both are made in the stack's own scope (not in a
// construct of their own), so that their construct ids, and the template, stay those of the stack.

/**
 * SES reviews an account whose bounce rate reaches 5 % or whose complaint rate reaches 0.1 %
 * (and may pause sending at 10 % and 0.5 %): ops hear of it at those rates.
 */
const SES_REPUTATION_ALARMS = { bounceRate: 0.05, complaintRate: 0.001 } as const;

/**
 * How far behind a stream consumer may fall before ops hear of it. A healthy react-to-commit is
 * seconds behind the commit; five minutes means batches keep failing or the function is throttled.
 */
const ITERATOR_AGE_ALARM = Duration.minutes(5);

/** What {@link addOpsAlarms} watches, and where it sends the alarms. */
export interface OpsAlarmsProps {
  functions: Readonly<Record<FunctionName, HubFunction>>;
  workflow: ReviewWorkflow;
  deadLetters: Queue;
  /** The functions the table's stream feeds, and the queue their mappings send the batches they give up on. */
  commitStream: { consumers: readonly FunctionName[]; failures: Queue };
  topic: Topic;
}

/** The topic alarms go to, encrypted with a key CloudWatch may use (it cannot use alias/aws/sns). */
export function createOpsTopic(scope: Stack, email: string, deadLetters: IQueue): Topic {
  const key = new Key(scope, 'OpsTopicKey', {
    description: 'hub-intake ops alarm topic',
    enableKeyRotation: true,
    // Protects messages in transit only; nothing stored needs it after the stack is gone.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // Only this account's alarms, through both the key policy and the topic policy.
  const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
  const conditions = {
    StringEquals: { 'aws:SourceAccount': scope.account },
    ArnLike: { 'aws:SourceArn': scope.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
  };
  key.addToResourcePolicy(
    new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions }),
  );
  const topic = new Topic(scope, 'OpsTopic', { displayName: 'hub-intake alarms', enforceSSL: true, masterKey: key });
  // The topic policy replaces SNS's default one, which is what let same-account alarms publish.
  topic.addToResourcePolicy(
    new PolicyStatement({ principals: [cloudWatch], actions: ['sns:Publish'], resources: [topic.topicArn], conditions }),
  );
  // A notification SNS cannot deliver is kept rather than dropped.
  topic.addSubscription(new EmailSubscription(email, { deadLetterQueue: deadLetters }));
  return topic;
}

/**
 * The alarms, all to the ops topic: every function's errors and throttles, dead-lettered outbox
 * entries, failed executions, the dead-letter queue, the stream's failed batches and its
 * consumers' lag, and the account's SES reputation.
 */
export function addOpsAlarms(scope: Stack, { functions, workflow, deadLetters, commitStream, topic }: OpsAlarmsProps): void {
  const alarmAction = new SnsAction(topic);
  for (const [name, fn] of Object.entries(functions)) {
    alarm(scope, `${pascal(name)}ErrorsAlarm`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), alarmAction, {
      description: `${name}: at least one error in 5 minutes`,
      threshold: 1,
    });
    alarm(scope, `${pascal(name)}ThrottlesAlarm`, fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), alarmAction, {
      description: `${name}: at least one throttled invocation in 5 minutes`,
      threshold: 1,
    });
  }

  new DeadLetterAlarm(scope, 'OutboxDeadLetters', { logGroups: Object.values(functions).map((fn) => fn.logGroup), action: alarmAction });
  alarm(scope, 'CaseReviewFailedAlarm', workflow.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }), alarmAction, {
    description: 'case-review: at least one execution failed in 5 minutes (the case is marked failed)',
    threshold: 1,
  });
  alarm(scope, 
    'DeadLettersAlarm',
    deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    alarmAction,
    { description: 'A scheduled run or an ops notification failed for good: see the DeadLetters queue', threshold: 1 },
  );
  alarm(
    scope,
    'StreamFailuresAlarm',
    commitStream.failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    alarmAction,
    {
      description:
        'A batch of the table stream failed every retry or aged out, and its description is in the StreamFailures queue. ' +
        'Its outbox entries are still in the outbox: sweep-outbox runs them within a minute, and npm run outbox -- list-dead ' +
        "shows any that fail for good. Find the cause in react-to-commit's logs, then delete the queue's messages.",
      threshold: 1,
    },
  );
  for (const name of commitStream.consumers) {
    const lag = functions[name].metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' });
    alarm(scope, `${pascal(name)}IteratorAgeAlarm`, lag, alarmAction, {
      description:
        `${name}: stream records waited ${ITERATOR_AGE_ALARM.toMinutes()} minutes or more before it ran them (IteratorAge): ` +
        'its batches keep failing or it is throttled. Commits are not lost (sweep-outbox runs every pending entry each minute), ' +
        'only their mails and workflow starts wait for it. See its errors and throttles.',
      threshold: ITERATOR_AGE_ALARM.toMilliseconds(),
    });
  }
  const reputation = (metricName: string) =>
    new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
  alarm(scope, 'MailBounceRateAlarm', reputation('Reputation.BounceRate'), alarmAction, {
    description: `SES bounce rate of the account at ${SES_REPUTATION_ALARMS.bounceRate * 100} % or more: SES reviews the account at 5 %`,
    threshold: SES_REPUTATION_ALARMS.bounceRate,
  });
  alarm(scope, 'MailComplaintRateAlarm', reputation('Reputation.ComplaintRate'), alarmAction, {
    description: `SES complaint rate of the account at ${SES_REPUTATION_ALARMS.complaintRate * 100} % or more: SES reviews the account at 0.1 %`,
    threshold: SES_REPUTATION_ALARMS.complaintRate,
  });
}

/** An alarm at `threshold` or above, with missing data (no traffic) as fine, that notifies `action`. */
function alarm(scope: Construct, id: string, metric: Metric, action: IAlarmAction, options: { description: string; threshold: number }): void {
  metric
    .createAlarm(scope, id, {
      alarmDescription: options.description,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    })
    .addAlarmAction(action);
}
