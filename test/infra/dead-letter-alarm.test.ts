import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_METRIC } from '../../infra/constructs/dead-letter-alarm';
import { FUNCTIONS } from '../../infra/routes';
import { DEAD_LETTER_MESSAGE } from '../../shared/app/effects';
import { synthStage } from './synth';

describe.each(['dev', 'prod'])('the dead-lettered outbox alarm of the %s stage', (stage) => {
  const { stateless } = synthStage(stage);
  const resources = stateless.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const filters = Object.values(resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter' && JSON.stringify(r.Properties).includes(DEAD_LETTER_METRIC));

  it('counts the structured log line of every function', () => {
    expect(filters).toHaveLength(Object.keys(FUNCTIONS).length);
    const logGroups = new Set(filters.map((f) => JSON.stringify(f.Properties.LogGroupName)));
    expect(logGroups.size).toBe(filters.length);
    for (const filter of filters) {
      expect(filter.Properties).toMatchObject({
        FilterPattern: `{ $.message = "${DEAD_LETTER_MESSAGE}" }`,
        MetricTransformations: [{ MetricName: DEAD_LETTER_METRIC, MetricValue: '1', MetricNamespace: expect.stringMatching(/^hub-intake\//) }],
      });
      const logGroup = (filter.Properties.LogGroupName as { Ref: string }).Ref;
      expect(resources[logGroup]?.Type).toBe('AWS::Logs::LogGroup');
    }
  });

  it('alarms the ops topic at the first dead letter', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: DEAD_LETTER_METRIC,
      Namespace: Match.stringLikeRegexp('^hub-intake/'),
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('OpsTopic') }],
    });
  });
});
