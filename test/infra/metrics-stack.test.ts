import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config';
import { asList, functionId, roleStatements, synthStage } from './synth';

const { stateless } = synthStage('dev');
const actionsOf = (name: Parameters<typeof roleStatements>[1]) =>
  roleStatements(stateless, name)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => asList(statement.Action));

describe('the metrics aggregation', () => {
  it('runs on the stage’s schedule, hourly by default', () => {
    expect(stageConfig('dev').aggregateEveryMinutes).toBe(60);
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: { Arn: { 'Fn::GetAtt': [functionId(stateless, 'aggregate-metrics'), 'Arn'] } },
    });
  });

  it('reads the table and writes nothing but the snapshot partitions', () => {
    const statements = roleStatements(stateless, 'aggregate-metrics');
    const writes = statements.filter((s) => asList(s.Action).some((a) => /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(a)));
    expect(writes).toHaveLength(1);
    expect(asList(writes[0]!.Action)).toEqual(['dynamodb:PutItem']);
    expect((writes[0] as unknown as { Condition: unknown }).Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['METRICS', 'METRICS#HISTORY'] },
    });
    expect(actionsOf('aggregate-metrics')).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem']));
  });

  it('serves metrics and the catalogue with read-only access', () => {
    for (const name of ['get-metrics', 'get-catalog'] as const) {
      const actions = actionsOf(name);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query']));
      expect(actions.filter((a) => /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(a))).toEqual([]);
    }
  });
});
