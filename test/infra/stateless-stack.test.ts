import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HUB_PARTNERS } from '../../infra/config/partners';
import { SCHEDULE_INPUT } from '../../infra/config/schedule-input';
import { deployedFunctionEnvironment, partnersJson, stageConfig } from '../../infra/config';
import { reviewerText } from '../../shared/core/reviewers';
import type { Partner } from '../../shared/core/partners';
import { FUNCTIONS, ROUTES, SCHEDULES, routeKey, type FunctionName, type FunctionSpec, type TableGrant } from '../../infra/routes';
import { parseConfig } from '../../shared/config';
import { allowedActions, asList, buildStage, functionId, functionProps, policyResources, roleStatements, synthStage } from './synth';

const { stacks } = buildStage('dev');
const stateless = Template.fromStack(stacks.stateless);
const names = Object.keys(FUNCTIONS) as FunctionName[];
const dev = stageConfig('dev');

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/** What reading the table's stream takes; only the functions it feeds get it (test/infra/commit-stream.test.ts). */
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

/** Replaces CloudFormation intrinsics by plausible deploy-time values. */
const resolved = (variables: Record<string, unknown>, publicBaseUrl = 'https://abc123.execute-api.eu-south-1.amazonaws.com') =>
  Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : key === 'PUBLIC_BASE_URL' ? publicBaseUrl : `token-for-${key}`.padEnd(64, 'x'),
    ]),
  );

describe('the functions', () => {
  it('are one Lambda per entry of FUNCTIONS, on Node.js 24, arm64, with active tracing', () => {
    stateless.resourceCountIs('AWS::Lambda::Function', names.length);
    for (const name of names) {
      expect(functionProps(stateless, name), name).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
      });
    }
  });

  it('log to their own log group with a retention', () => {
    for (const name of names) {
      const logGroup = functionProps(stateless, name).LoggingConfig.LogGroup.Ref;
      expect(stateless.toJSON().Resources[logGroup].Properties.RetentionInDays, name).toBeGreaterThan(0);
    }
  });

  it('get the table, public base URL and sender in their environment, and the partners bundled, not there', () => {
    const env = functionProps(stateless, 'submit-case').Environment.Variables;
    expect(env).toMatchObject({ TABLE_NAME: expect.anything(), PUBLIC_BASE_URL: expect.anything(), MAIL_FROM: dev.mailFrom });
    for (const name of names) {
      expect(functionProps(stateless, name).Environment.Variables.PARTNERS, name).toBeUndefined();
      const partners = JSON.parse(String(stacks.stateless.functions[name].bundledPartners)) as { id: string }[];
      expect(partners.map((p) => p.id), name).toEqual(HUB_PARTNERS.map((p) => p.id));
    }
  });

  it('bundle the deployed partners only: no local origin and no documentation contact domain in dev or prod', () => {
    for (const stage of ['dev', 'prod']) {
      const partners = JSON.parse(partnersJson(stageConfig(stage))) as Partner[];
      expect(partners, stage).toEqual(HUB_PARTNERS);
      for (const partner of partners) {
        for (const origin of partner.origins) expect(origin, `${stage} ${partner.id}`).toMatch(/^https:\/\/(?!localhost|127\.0\.0\.1)/);
        expect(partner.contactDomains, `${stage} ${partner.id}`).not.toEqual(expect.arrayContaining(['example.org']));
        expect(partner.contactDomains, `${stage} ${partner.id}`).not.toEqual(expect.arrayContaining(['example.com']));
      }
    }
  });

  it('get an environment their own configuration parser accepts, with the bundled partners', () => {
    for (const name of names) {
      const env = resolved(functionProps(stateless, name).Environment.Variables);
      const cfg = parseConfig(env, stacks.stateless.functions[name].bundledPartners);
      expect(cfg.partnersById.size, name).toBe(HUB_PARTNERS.length);
    }
  });

  it('keep their environment under 2 KB, half of what Lambda allows', () => {
    for (const name of names) {
      const env = resolved(functionProps(stateless, name).Environment.Variables);
      const size = Object.entries(env).reduce((sum, [key, value]) => sum + key.length + value.length, 0);
      expect(size, name).toBeLessThan(2048);
    }
  });

  it('give the reviewers’ and coordinators’ addresses only to the functions that mail reviewers', () => {
    for (const name of names) {
      const variables = functionProps(stateless, name).Environment.Variables;
      const spec: FunctionSpec = FUNCTIONS[name];
      expect(variables.REVIEWERS, name).toEqual(spec.mailsReviewers ? reviewerText(dev.reviewers) : undefined);
      expect(variables.COORDINATORS, name).toEqual(spec.mailsReviewers ? reviewerText(dev.coordinators) : undefined);
    }
    expect(names.filter((name) => (FUNCTIONS[name] as FunctionSpec).mailsReviewers)).toEqual(['request-review']);
  });

  it('stop the synthesis with a clear message when the reviewers would not fit in Lambda’s 4 KB of environment', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ email: `revisore.numero${i}@digitalhealthhub.example.org`, organisation: 'humanitas', areas: ['cardiology' as const, 'oncology' as const] }));
    const values = { tableName: 'hub-intake-dev-table', publicBaseUrl: 'https://intake.example.org' };
    expect(() => deployedFunctionEnvironment({ ...dev, reviewers: many }, values, { mailsReviewers: true }, 'request-review')).toThrow(
      /Invalid configuration for stage dev: the environment of request-review would take \d+ bytes \(\d+ of them REVIEWERS and COORDINATORS\).*over Lambda's 4096 bytes/,
    );
    // The same list is no concern of the functions that do not mail reviewers.
    expect(deployedFunctionEnvironment({ ...dev, reviewers: many }, values, {}, 'submit-case').REVIEWERS).toBeUndefined();
  });

  it('link to the configured public base URL in prod rather than the API URL', () => {
    const prod = synthStage('prod').stateless;
    expect(functionProps(prod, 'submit-case').Environment.Variables.PUBLIC_BASE_URL).toBe(stageConfig('prod').publicBaseUrl);
  });
});

describe('least privilege', () => {
  it('gives serve-form no DynamoDB action at all', () => {
    expect(allowedActions(roleStatements(stateless, 'serve-form')).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('lets get-case-status read the table but never write it', () => {
    const actions = allowedActions(roleStatements(stateless, 'get-case-status'));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const write of WRITE_ACTIONS) expect(actions).not.toContain(write);
  });

  it('lets submit-case and sweep-outbox write the table', () => {
    expect(allowedActions(roleStatements(stateless, 'submit-case'))).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
    expect(allowedActions(roleStatements(stateless, 'sweep-outbox'))).toContain('dynamodb:UpdateItem');
  });

  it('grants each function exactly the DynamoDB actions of its FunctionSpec, and never Scan, DescribeTable, DeleteItem or ConditionCheckItem', () => {
    for (const name of names) {
      const grants = grantsOf(name);
      const expected = new Set(grants.flatMap((g) => [...g.actions.map((a) => `dynamodb:${a}`), ...(g.indexes?.length ? ['dynamodb:Query'] : [])]));
      if ((FUNCTIONS[name] as FunctionSpec).streamTrigger) for (const action of STREAM_ACTIONS) expected.add(action);
      const actual = new Set(allowedActions(roleStatements(stateless, name)).filter((a) => a.startsWith('dynamodb:')));
      expect([...actual].sort(), name).toEqual([...expected].sort());
      for (const never of ['dynamodb:Scan', 'dynamodb:DescribeTable', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem']) {
        expect(actual, name).not.toContain(never);
      }
    }
  });

  it('grants an index only to the functions that query it, and Query alone on it', () => {
    const byIndex: Record<string, FunctionName[]> = {};
    for (const name of names) {
      for (const statement of dynamoStatements(name)) {
        for (const resource of asList(statement.Resource)) {
          const index = /\/index\/(\w+)/.exec(JSON.stringify(resource))?.[1];
          if (!index) continue;
          expect(asList(statement.Action), `${name} on ${index}`).toEqual(['dynamodb:Query']);
          (byIndex[index] ??= []).push(name);
        }
      }
    }
    // The byStatus role's index by its current name; the retired index is granted to no one.
    expect(byIndex).toEqual({
      byStatusV2: ['get-case-status', 'react-to-commit', 'sweep-outbox', 'aggregate-metrics', 'get-catalog', 'purge-personal-data'],
      outbox: ['sweep-outbox'],
    });
  });

  it('lets the public read functions read only the partitions they serve', () => {
    const conditionsOnTable = (name: FunctionName) =>
      dynamoStatements(name)
        .filter((s) => !JSON.stringify(s.Resource).includes('/index/'))
        .map((s) => s.Condition);
    // The snapshots, and the report's texts (their partition alone: no case, no partner key).
    expect(conditionsOnTable('get-metrics')).toEqual([{ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['METRICS', 'METRICS#HISTORY', 'REPORT#TEXTS'] } }]);
    expect(asList(dynamoStatements('get-metrics').flatMap((s) => asList(s.Action))).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(conditionsOnTable('get-catalog')).toEqual([
      {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CASE#*'] },
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'id', 'summary'] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      },
    ]);
    expect(conditionsOnTable('get-case-status')).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CASE#*'] } }]);
    // get-metrics reads snapshots and the report's texts by key: no index at all.
    expect(JSON.stringify(dynamoStatements('get-metrics'))).not.toContain('/index/');
  });

  it('lets the aggregation write only the snapshot partitions', () => {
    const puts = dynamoStatements('aggregate-metrics').filter((s) => asList(s.Action).includes('dynamodb:PutItem'));
    expect(puts).toHaveLength(1);
    expect(asList(puts[0]!.Action)).toEqual(['dynamodb:PutItem']);
    expect(puts[0]!.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['METRICS', 'METRICS#HISTORY'] } });
  });

  it('allows no wildcard action, and no DynamoDB or SES action on every resource', () => {
    const statements = policyResources(stateless).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions = asList<string>(statement.Action);
      expect(actions).not.toContain('*');
      if (actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('ses:'))) {
        expect(asList(statement.Resource)).not.toContain('*');
      }
    }
  });

  it('lets only mail senders send mail, as the configured sender through the configuration set', () => {
    const domain = dev.mailFrom.split('@')[1];
    for (const name of names) {
      const ses = roleStatements(stateless, name).filter((s) => asList(s.Action).some((a) => a.startsWith('ses:')));
      if (!FUNCTIONS[name].sendsMail) {
        expect(ses, name).toEqual([]);
        continue;
      }
      expect(ses, name).toHaveLength(1);
      expect(asList(ses[0]!.Action).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(asList(ses[0]!.Resource)).toHaveLength(3);
      const resources = JSON.stringify(ses[0]!.Resource);
      expect(resources).toContain(`:identity/${domain}"`);
      expect(resources).toContain(`:identity/${dev.mailFrom}"`);
      expect(resources).toContain(':configuration-set/');
    }
  });

  it('tells mail senders the name of their configuration set', () => {
    const [setId] = Object.keys(stateless.findResources('AWS::SES::ConfigurationSet'));
    for (const name of names) {
      const variable = functionProps(stateless, name).Environment.Variables.SES_CONFIGURATION_SET;
      expect(variable, name).toEqual(FUNCTIONS[name].sendsMail ? { Ref: setId } : undefined);
    }
  });
});

/** The table grants of a function's FunctionSpec, as a list. */
function grantsOf(name: FunctionName): readonly TableGrant[] {
  const table = (FUNCTIONS[name] as FunctionSpec).table;
  return table === undefined ? [] : Array.isArray(table) ? table : [table as TableGrant];
}

/** The DynamoDB statements of a function's role. */
const dynamoStatements = (name: FunctionName) =>
  roleStatements(stateless, name).filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:'))) as (ReturnType<typeof roleStatements>[number] & {
    Condition?: unknown;
  })[];

describe('the HTTP API', () => {
  it('has a route for every entry of ROUTES, and no other', () => {
    stateless.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
    for (const route of ROUTES) stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey(route) });
  });

  it('sends every route to its own function, one integration per function', () => {
    const resources = stateless.toJSON().Resources;
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route'));
    for (const route of ROUTES) {
      const found = routes.find((r) => r.Properties.RouteKey === routeKey(route));
      const integrationId: string = found?.Properties.Target['Fn::Join'][1][1].Ref;
      expect(resources[integrationId].Properties.IntegrationUri, routeKey(route)).toEqual({ 'Fn::GetAtt': [functionId(stateless, route.fn), 'Arn'] });
    }
    stateless.resourceCountIs('AWS::ApiGatewayV2::Integration', new Set(ROUTES.map((r) => r.fn)).size);
  });

  it('leaves CORS preflight to the functions', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('throttles the default stage and logs each request as JSON', () => {
    const stage = Object.values(stateless.findResources('AWS::ApiGatewayV2::Stage', { Properties: { StageName: '$default' } }))[0];
    expect(stage?.Properties).toMatchObject({
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
    });
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
  });
});

/** How CDK writes a rate: in whole days or hours when it can. */
const rate = (minutes: number) =>
  minutes % 1440 === 0
    ? `rate(${minutes / 1440} day${minutes === 1440 ? '' : 's'})`
    : minutes % 60 === 0
      ? `rate(${minutes / 60} hour${minutes === 60 ? '' : 's'})`
      : `rate(${minutes} minute${minutes === 1 ? '' : 's'})`;

describe('schedules and alarms', () => {
  it('runs every entry of SCHEDULES on its rate, sweep-outbox every minute', () => {
    expect(SCHEDULES).toContainEqual({ fn: 'sweep-outbox', everyMinutes: 1 });
    for (const { fn, everyMinutes: every } of SCHEDULES) {
      const everyMinutes = every === 'aggregateEveryMinutes' ? stageConfig('dev').aggregateEveryMinutes : every;
      stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: rate(everyMinutes),
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [functionId(stateless, fn), 'Arn'] } },
      });
    }
  });

  it('lets the functions that go over every case run 15 minutes, and the rest 10 seconds', () => {
    for (const name of names) {
      const long = name === 'aggregate-metrics' || name === 'purge-personal-data';
      expect(functionProps(stateless, name).Timeout, name).toBe(long ? 900 : 10);
    }
  });

  it('gives every schedule the input the scheduled functions and their samples expect', () => {
    const schedules = Object.values(stateless.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(SCHEDULES.length);
    for (const schedule of schedules) {
      expect(JSON.parse((schedule.Properties as { Target: { Input: string } }).Target.Input)).toEqual(SCHEDULE_INPUT);
    }
  });

  it('alarms the ops topic on any error or throttle of any function', () => {
    const [topicId] = Object.keys(stateless.findResources('AWS::SNS::Topic'));
    for (const name of names) {
      for (const metric of ['Errors', 'Throttles']) {
        stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(stateless, name) } }],
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: topicId }],
        });
      }
    }
  });

  it('mails ops through an encrypted topic that refuses plain HTTP', () => {
    stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    stateless.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: dev.opsEmail });
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('outputs the API URL, the table name, the ops topic and the queues ops look into', () => {
    for (const output of ['ApiUrl', 'TableName', 'OpsTopicArn', 'DeadLettersUrl', 'StreamFailuresUrl']) stateless.hasOutput(output, {});
  });
});
