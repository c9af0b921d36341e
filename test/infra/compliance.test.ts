import { Validations, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { API_THROTTLE, stageConfig } from '../../infra/config';
import { MIN_REASON_LENGTH } from '../../infra/constructs/compliance';
import { compliancePacks } from '../../infra/hub-intake-app';
import { FUNCTIONS, ROUTES, SCHEDULES, type FunctionName } from '../../infra/routes';
import { asList, buildStage, functionId, functionProps, policyResources, statementsOfRole, type Statement } from './synth';

const names = Object.keys(FUNCTIONS) as FunctionName[];
const scheduled = new Set(SCHEDULES.map((s) => s.fn));

/** An acknowledged finding, where it was acknowledged and why. */
interface Acknowledgement {
  scope: IConstruct;
  rule: string;
  reason: string;
}

/** Every acknowledgement recorded in the app (`Validations.of(scope).acknowledge`). */
function acknowledgements(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((scope) =>
    scope.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ scope, rule: id.replace(/^annotation::/i, ''), reason })),
      ),
  );
}

/**
 * The findings hub-intake acknowledges rather than fixes (the reasons are next to the code that
 * acknowledges them). Anything else must be fixed: a new kind of acknowledgement fails here
 * until it is added, and so gets reviewed.
 */
const ACKNOWLEDGEABLE: RegExp[] = [
  /^AwsSolutions-APIG4$/, // public routes, each with its compensating controls
  /^HIPAA\.Security-LambdaInsideVPC$/, // nothing in a VPC to reach
  /^AwsSolutions-IAM5\[Resource::\*\]$/, // X-Ray and log delivery actions, checked below
  /^AwsSolutions-IAM5\[Resource::<\w+\.Arn>:\*\]$/, // versions and aliases of one invoked function
  /^(Serverless|HIPAA\.Security)-LambdaDLQ$/, // synchronously invoked functions
  /^Serverless-SQSRedrivePolicy$/, // the dead-letter queue and the stream's on-failure queue themselves
  /^AwsSolutions-SQS3$/, // the stream's on-failure queue, which no queue or function names as its dead-letter queue
  /^HIPAA\.Security-LambdaConcurrency$/, // stages that reserve no concurrency
  /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSBackupServiceRolePolicyForBackup\]$/,
  /^AwsSolutions-CFR1$/, // no geo restriction: partners' people submit from anywhere
  /^AwsSolutions-CFR4$/, // stages without a domain serve CloudFront's default certificate
  /^(AwsSolutions-SMG4|HIPAA\.Security-SecretsManagerRotationEnabled)$/, // the origin secret is resolved at deploy time
  /^(AwsSolutions-S1|HIPAA\.Security-S3Bucket(Logging|Replication)Enabled|HIPAA\.Security-S3DefaultEncryptionKMS)$/, // the access log bucket
];

/** What may be allowed on every resource: actions that support no resource-level permissions. */
const TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
const WORKFLOW_ACTIONS_ON_EVERY_RESOURCE = [
  ...TRACING_ACTIONS,
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

const onEveryResource = (statements: Statement[]) =>
  statements.filter((s) => s.Effect === 'Allow' && asList(s.Resource).includes('*')).flatMap((s) => asList(s.Action));

describe.each(['dev', 'prod'])('stage %s under AWS Solutions, Serverless and HIPAA Security', (stage) => {
  // CloudFormation's own rules (a WebAssembly engine that takes seconds to load) are left to the
  // other infra tests, which synthesize the same templates with them.
  const { app, stacks } = buildStage(stage, { compliance: true }, { builtinCloudFormationValidation: false });
  // The synthesis runs the packs as validation plugins, exactly as `cdk synth` does, and throws
  // with the report on any unacknowledged error.
  const stateful = Template.fromStack(stacks.stateful);
  const stateless = Template.fromStack(stacks.stateless);
  const cfg = stageConfig(stage);
  const resources = stateless.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const [topicId] = Object.keys(stateless.findResources('AWS::SNS::Topic'));
  const queueId = Object.keys(stateless.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('DeadLetters'));
  const acks = acknowledgements(app);

  describe('findings', () => {
    it('leaves no error and no warning of any pack unacknowledged, in either stack', () => {
      // Run again on the synthesized tree, the one the plugins saw, for warnings too (they do not fail a synth).
      const open = compliancePacks().flatMap((pack) =>
        pack
          .validateScope(app)
          .violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`)),
      );
      expect(open).toEqual([]);
    });

    it('gives every acknowledgement a reason that names its compensating control', () => {
      expect(acks.length).toBeGreaterThan(0);
      for (const { scope, rule, reason } of acks) {
        expect(reason.trim().length, `${rule} on ${scope.node.path}`).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
      }
      for (const { rule, reason } of acks.filter((a) => a.rule === 'AwsSolutions-APIG4')) {
        expect(reason, rule).toMatch(/Compensating controls?:/);
      }
    });

    it('acknowledges only the findings it has a reason for, each on the resource concerned', () => {
      for (const { scope, rule } of acks) {
        expect(ACKNOWLEDGEABLE.some((pattern) => pattern.test(rule)), `${rule} on ${scope.node.path}`).toBe(true);
        // Never on a whole stack or app, where it would hide the same finding anywhere else.
        expect(scope.node.path.split('/').length, `${rule} on ${scope.node.path}`).toBeGreaterThan(1);
      }
    });

    it('acknowledges the missing authorizer route by route, for every route', () => {
      const routes = acks.filter((a) => a.rule === 'AwsSolutions-APIG4');
      expect(routes).toHaveLength(ROUTES.length);
      for (const route of ROUTES) expect(routes.some((a) => a.reason.startsWith(`${route.method} ${route.path} `)), `${route.method} ${route.path}`).toBe(true);
    });
  });

  describe('fixed rather than acknowledged', () => {
    it('gives no role an inline policy, and no stateless role an AWS-managed one', () => {
      stateless.resourceCountIs('AWS::IAM::Policy', 0);
      for (const role of Object.values(stateless.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.Policies).toBeUndefined();
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
      stateful.resourceCountIs('AWS::IAM::Policy', 0);
    });

    it('allows on every resource only what supports no resource-level permission: tracing and log delivery', () => {
      for (const name of names) {
        const role = (functionProps(stateless, name).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        expect(onEveryResource(statementsOfRole(stateless, role)).sort(), name).toEqual([...TRACING_ACTIONS].sort());
      }
      const everywhere = policyResources(stateless).flatMap((p) => onEveryResource(p.Properties.PolicyDocument.Statement));
      for (const action of everywhere) expect(WORKFLOW_ACTIONS_ON_EVERY_RESOURCE).toContain(action);
    });

    it('names every index and every KMS action of the table grants, without wildcards', () => {
      const statements = policyResources(stateless).flatMap((p) => p.Properties.PolicyDocument.Statement);
      for (const statement of statements) {
        for (const action of asList(statement.Action)) expect(action, JSON.stringify(statement)).not.toContain('*');
        expect(JSON.stringify(statement.Resource ?? '')).not.toContain('/index/*');
      }
    });

    it('runs every function on the latest Node.js runtime, with X-Ray, an explicit memory size and timeout', () => {
      for (const name of names) {
        expect(functionProps(stateless, name), name).toMatchObject({ Runtime: 'nodejs24.x', TracingConfig: { Mode: 'Active' } });
        expect(resources[functionId(stateless, name)]?.Properties, name).toMatchObject({ MemorySize: 512, Timeout: expect.any(Number) });
      }
    });

    it('encrypts every log group with the stack’s rotating key, which CloudWatch Logs may use for this account’s log groups only', () => {
      const [keyId, key] = Object.entries(stateless.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('log groups') } }))[0]!;
      expect(key.Properties.EnableKeyRotation).toBe(true);
      const logs = (key.Properties.KeyPolicy.Statement as { Principal?: { Service?: unknown }; Condition?: unknown }[]).find((s) =>
        JSON.stringify(s.Principal?.Service ?? '').includes('logs.'),
      );
      expect(JSON.stringify(logs?.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
      const groups = Object.values(stateless.findResources('AWS::Logs::LogGroup'));
      expect(groups.length).toBe(names.length + 2); // the functions', the API's access logs, the executions'
      for (const group of groups) {
        expect(group.Properties).toMatchObject({ KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, RetentionInDays: expect.any(Number) });
      }
    });

    it('logs every case-review execution event and traces it with X-Ray', () => {
      stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
    });

    it('backs the table up daily into a vault, kept 35 days like its point-in-time recovery', () => {
      const [tableId] = Object.keys(stateful.findResources('AWS::DynamoDB::Table'));
      stateful.hasResourceProperties('AWS::DynamoDB::Table', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
      stateful.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: { Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] } });
      stateful.hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: { BackupPlanName: `HubIntake-${stage}-Stateful-daily`, BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 35 } })] },
      });
      stateful.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    });
  });

  describe('the HTTP API', () => {
    it('throttles the default route (429 beyond it) and writes access logs', () => {
      stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: API_THROTTLE.rateLimit, ThrottlingBurstLimit: API_THROTTLE.burstLimit },
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] }, Format: Match.anyValue() },
      });
    });
  });

  describe('failed asynchronous invocations', () => {
    it('keep them in one encrypted queue that refuses plain HTTP', () => {
      const queue = resources[queueId!]!.Properties;
      expect(queue.SqsManagedSseEnabled === true || queue.KmsMasterKeyId !== undefined).toBe(true);
      stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it('send what a schedule cannot deliver, and what a scheduled function fails on, to that queue', () => {
      const dlq = { 'Fn::GetAtt': [queueId, 'Arn'] };
      for (const fn of scheduled) {
        stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
          Target: { Arn: { 'Fn::GetAtt': [functionId(stateless, fn), 'Arn'] }, DeadLetterConfig: { Arn: dlq } },
        });
      }
      for (const name of names) {
        const deadLetters = resources[functionId(stateless, name)]?.Properties.DeadLetterConfig;
        expect(deadLetters, name).toEqual(scheduled.has(name) ? { TargetArn: dlq } : undefined);
      }
      stateless.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', RedrivePolicy: { deadLetterTargetArn: dlq } });
    });

    it('alarm the ops topic as soon as one message is in the queue', () => {
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topicId }],
      });
    });
  });

  describe('mail reputation', () => {
    it('publishes bounces and complaints of the configuration set to CloudWatch', () => {
      stateless.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: {
          CloudWatchDestination: Match.anyValue(),
          Enabled: true,
          MatchingEventTypes: Match.arrayWith(['bounce', 'complaint', 'reject']),
        },
      });
    });

    it('alarms the ops topic on the SES bounce and complaint rates', () => {
      for (const [metric, threshold] of [
        ['Reputation.BounceRate', 0.05],
        ['Reputation.ComplaintRate', 0.001],
      ] as const) {
        stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SES',
          MetricName: metric,
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: topicId }],
        });
      }
    });
  });

  describe('concurrency', () => {
    it(`reserves for each function what the stage says (${cfg.reservedConcurrency === false ? 'nothing' : 'per function'})`, () => {
      for (const name of names) {
        const reserved = resources[functionId(stateless, name)]?.Properties.ReservedConcurrentExecutions;
        expect(reserved, name).toEqual(cfg.reservedConcurrency === false ? undefined : cfg.reservedConcurrency[name]);
      }
      const acknowledged = acks.filter((a) => a.rule === 'HIPAA.Security-LambdaConcurrency');
      expect(acknowledged).toHaveLength(cfg.reservedConcurrency === false ? names.length : 0);
    });

    it('alarms the ops topic on any error or throttle of any function, and on any failed execution', () => {
      for (const name of names) {
        for (const metric of ['Errors', 'Throttles']) {
          stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
            MetricName: metric,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(stateless, name) } }],
            AlarmActions: [{ Ref: topicId }],
          });
        }
      }
      stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', AlarmActions: [{ Ref: topicId }] });
    });
  });
});

describe('prod', () => {
  it('reserves concurrency for every function, and far less than an account with the standard quota may reserve', () => {
    const reserved = stageConfig('prod').reservedConcurrency;
    expect(reserved).not.toBe(false);
    const total = Object.values(reserved === false ? {} : reserved).reduce((sum, n) => sum + n, 0);
    // Lambda keeps 100 of the standard 1,000 unreserved.
    expect(total).toBeLessThanOrEqual(300);
  });
});

describe('a synthesis with the packs', () => {
  it('fails on a finding that nobody fixed or acknowledged', () => {
    const { app, stacks } = buildStage('dev', { compliance: true }, { builtinCloudFormationValidation: false });
    new Queue(stacks.stateless, 'Unencrypted', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2/);
  });
});
