import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config';
import { functionId, functionProps, synthStage } from './synth';

describe('personal data retention', () => {
  const { stateless, stateful } = synthStage('prod');

  it('erases contact data daily after the stage’s retention period', () => {
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Target: { Arn: { 'Fn::GetAtt': [functionId(stateless, 'purge-personal-data'), 'Arn'] } },
    });
    expect(functionProps(stateless, 'purge-personal-data').Environment.Variables.RETENTION_DAYS).toBe(String(stageConfig('prod').retentionDays));
  });

  it('indexes every item holding an email by person, keys only, so erasure needs no scan', () => {
    const [table] = Object.values(stateful.findResources('AWS::DynamoDB::Table')) as { Properties: { GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown; Projection: unknown }[] } }[];
    expect(table?.Properties.GlobalSecondaryIndexes.find((index) => index.IndexName === 'byPerson')).toEqual({
      IndexName: 'byPerson',
      KeySchema: [{ AttributeName: 'gsi3pk', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });
});
