import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { COMMIT_STREAM } from '../../infra/config/stream';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../../infra/routes';
import { asList, buildStage, functionId, roleStatements, type Statement } from './synth';

const names = Object.keys(FUNCTIONS) as FunctionName[];
const consumers = names.filter((name) => (FUNCTIONS[name] as FunctionSpec).streamTrigger);
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
/** The event filter as Lambda must receive it: only images whose `fresh` attribute is the boolean true. */
const FRESH_PATTERN = '{"dynamodb":{"NewImage":{"fresh":{"BOOL":[true]}}}}';

interface MappingProps {
  FunctionName: { Ref: string };
  EventSourceArn: unknown;
  [key: string]: unknown;
}

describe.each(['dev', 'prod'])('the commit stream of the %s stage', (stage) => {
  const { stacks } = buildStage(stage);
  const stateful = Template.fromStack(stacks.stateful);
  const stateless = Template.fromStack(stacks.stateless);
  const mappings = Object.values(stateless.findResources('AWS::Lambda::EventSourceMapping')).map((m) => m.Properties as MappingProps);
  const [topicId] = Object.keys(stateless.findResources('AWS::SNS::Topic'));
  const failuresId = Object.keys(stateless.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('StreamFailures'));
  const mappingOf = (name: FunctionName) => mappings.find((m) => m.FunctionName.Ref === functionId(stateless, name));
  /** The name of the stateful stack's output that carries the table's stream ARN. */
  const streamOutput = Object.entries(stateful.toJSON().Outputs as Record<string, { Value: unknown }>).find(([, output]) =>
    JSON.stringify(output.Value).includes('"StreamArn"'),
  )?.[0];

  it('feeds react-to-commit, and only the functions whose spec says streamTrigger, one mapping each', () => {
    expect(consumers).toEqual(['react-to-commit']);
    expect(mappings).toHaveLength(consumers.length);
    for (const name of consumers) expect(mappingOf(name), name).toBeDefined();
  });

  it('reads the stream of the stateful stack’s table', () => {
    expect(streamOutput).toBeDefined();
    for (const name of consumers) {
      expect(JSON.stringify(mappingOf(name)?.EventSourceArn), name).toContain(`"${streamOutput}"`);
      expect(JSON.stringify(mappingOf(name)?.EventSourceArn), name).toContain(`"${stacks.stateful.stackName}"`);
    }
  });

  it('delivers only the images a commit left with a fresh outbox entry', () => {
    for (const name of consumers) {
      expect(mappingOf(name)?.FilterCriteria, name).toEqual({ Filters: [{ Pattern: FRESH_PATTERN }] });
    }
    // The embedded runtime filters with the same object.
    expect(JSON.stringify(COMMIT_STREAM.filter)).toBe(FRESH_PATTERN);
  });

  it('batches, retries, bisects and reports partial failures as COMMIT_STREAM says, from the latest records', () => {
    for (const name of consumers) {
      expect(mappingOf(name), name).toMatchObject({
        StartingPosition: 'LATEST',
        BatchSize: COMMIT_STREAM.batchSize,
        MaximumRetryAttempts: COMMIT_STREAM.retryAttempts,
        MaximumRecordAgeInSeconds: COMMIT_STREAM.maxRecordAgeSeconds,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    expect(COMMIT_STREAM).toMatchObject({ batchSize: 10, retryAttempts: 4, maxRecordAgeSeconds: 3600, bisectBatchOnError: true, reportBatchItemFailures: true });
  });

  it('sends what it gives up on to an encrypted queue that refuses plain HTTP and keeps messages 14 days', () => {
    expect(failuresId).toBeDefined();
    for (const name of consumers) {
      expect(mappingOf(name)?.DestinationConfig, name).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': [failuresId, 'Arn'] } } });
    }
    const queue = stateless.toJSON().Resources[failuresId!].Properties as Record<string, unknown>;
    expect(queue.SqsManagedSseEnabled === true || queue.KmsMasterKeyId !== undefined).toBe(true);
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: failuresId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets the consumers read that stream and no other resource, and send to the queue; no other function reads it', () => {
    const streamStatements = (name: FunctionName): Statement[] =>
      roleStatements(stateless, name).filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => STREAM_ACTIONS.includes(a)));
    for (const name of names) {
      const statements = streamStatements(name);
      if (!consumers.includes(name)) {
        expect(statements, name).toEqual([]);
        continue;
      }
      expect(statements.flatMap((s) => asList(s.Action)).sort(), name).toEqual(STREAM_ACTIONS);
      for (const statement of statements) expect(statement.Resource, name).toEqual(mappingOf(name)?.EventSourceArn);
      const send = roleStatements(stateless, name).filter((s) => asList(s.Action).includes('sqs:SendMessage'));
      expect(send.map((s) => s.Resource), name).toEqual([{ 'Fn::GetAtt': [failuresId, 'Arn'] }]);
    }
  });

  it('creates each mapping after its function’s role and policy, since Lambda checks them when it creates the mapping', () => {
    const resources = stateless.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[]; Properties: MappingProps }>;
    for (const name of consumers) {
      const [, mapping] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName.Ref === functionId(stateless, name))!;
      const roleId = (resources[functionId(stateless, name)]!.Properties as unknown as { Role: { 'Fn::GetAtt': [string, string] } }).Role['Fn::GetAtt'][0];
      const policyIds = Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r.Properties).includes(`{"Ref":"${roleId}"}`))
        .map(([id]) => id);
      expect(policyIds.length, name).toBeGreaterThan(0);
      expect(mapping.DependsOn, name).toEqual(expect.arrayContaining([roleId, ...policyIds]));
    }
  });

  it('alarms the ops topic as soon as one failed batch is in the queue', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failuresId, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
      AlarmDescription: Match.stringLikeRegexp('sweep-outbox'),
    });
  });

  it('alarms the ops topic when a consumer falls five minutes behind the stream', () => {
    for (const name of consumers) {
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(stateless, name) } }],
        Threshold: 5 * 60 * 1000,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topicId }],
        AlarmDescription: Match.stringLikeRegexp(name),
      });
    }
  });
});
