import { Duration, Stack } from 'aws-cdk-lib';
import { ComparisonOperator, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEAD_LETTER_MESSAGE } from '../../shared/app/effects';

export interface DeadLetterAlarmProps {
  /** The log groups of every function that runs outbox effects. */
  logGroups: readonly ILogGroup[];
  /** Where the alarm goes. */
  action: IAlarmAction;
}

/** The metric the filters count, one per dead-lettered entry. */
export const DEAD_LETTER_METRIC = 'OutboxEntriesDeadLettered';

/**
 * Alarms ops as soon as an outbox entry is dead-lettered (a mail or a workflow start that failed
 * for about a day): a metric filter on the functions' structured log line, summed over the stack.
 * Ops then look with `npm run outbox -- list-dead` and put entries back with `retry`.
 */
export class DeadLetterAlarm extends Construct {
  public readonly metric: Metric;

  constructor(scope: Construct, id: string, props: DeadLetterAlarmProps) {
    super(scope, id);
    const namespace = `hub-intake/${Stack.of(this).stackName}`;
    props.logGroups.forEach((logGroup, index) => {
      new MetricFilter(this, `Filter${index}`, {
        logGroup,
        filterPattern: FilterPattern.stringValue('$.message', '=', DEAD_LETTER_MESSAGE),
        metricNamespace: namespace,
        metricName: DEAD_LETTER_METRIC,
        metricValue: '1',
      });
    });
    this.metric = new Metric({ namespace, metricName: DEAD_LETTER_METRIC, statistic: 'Sum', period: Duration.minutes(5) });
    this.metric
      .createAlarm(this, 'Alarm', {
        alarmDescription: 'An outbox entry failed for good and was dead-lettered: see npm run outbox -- list-dead',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(props.action);
  }
}
