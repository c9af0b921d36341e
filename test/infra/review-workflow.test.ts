import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LAMBDA_SERVICE_ERRORS, STATES } from '../../infra/constructs/review-workflow';
import { stageConfig } from '../../infra/config';
import { FUNCTIONS, ROUTES, routeKey, type FunctionName } from '../../infra/routes';
import { allowedActions, asList, functionId, functionProps, roleStatements, statementsOfRole, synthStage, type Statement } from './synth';

const { stateless } = synthStage('dev');
const names = Object.keys(FUNCTIONS) as FunctionName[];

/** The functions the machine invokes, and nothing else may be invoked by it. */
const TASK_FUNCTIONS: FunctionName[] = ['request-review', 'request-changes', 'record-outcome', 'notify-submitter'];
const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** Everything the state may ever carry and tasks may read: ids, counters, the decision and the error name. */
const READABLE_PATHS = ['$.caseId', '$.round', '$.attempt', '$.review.decision', '$.error.Error', '$$.Task.Token'];

/** One state of an Amazon States Language definition, as far as these tests read it. */
interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Resource?: string;
  Parameters?: Record<string, unknown> & { FunctionName?: string; Payload?: Record<string, unknown> };
  Result?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Choices?: ({ Variable: string; Next: string } & Record<string, unknown>)[];
  Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number; JitterStrategy?: string }[];
  QueryLanguage?: string;
  [field: string]: unknown;
}

interface AslDefinition {
  StartAt: string;
  QueryLanguage?: string;
  States: Record<string, AslState>;
}

/** A CloudFormation token of the definition, written as `${GetAtt:Id.Arn}` or `${Ref:Id}`; the partition is `aws`. */
function placeholder(token: unknown): string {
  if (typeof token === 'string') return token;
  const entries = token && typeof token === 'object' ? Object.entries(token) : [];
  const [key, value] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref' && typeof value === 'string') return value === 'AWS::Partition' ? 'aws' : `\${Ref:${value}}`;
  if (entries.length === 1 && key === 'Fn::GetAtt' && Array.isArray(value) && value.length === 2) return `\${GetAtt:${value[0]}.${value[1]}}`;
  throw new Error(`unexpected token in the definition: ${JSON.stringify(token)}`);
}

/** The machine's logical id and its definition, the Fn::Join parts joined with placeholders for tokens. */
function definitionOf(template: Template): { machineId: string; definition: AslDefinition; text: string } {
  const machines = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const [machineId, machine] = machines[0]!;
  const body: unknown = machine.Properties.DefinitionString;
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    const [separator, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    text = parts.map(placeholder).join(separator);
  }
  return { machineId, definition: JSON.parse(text) as AslDefinition, text };
}

/** The function (by FUNCTIONS name) behind the `${GetAtt:Id.Arn}` placeholder a Task state names. */
function functionOf(template: Template, target: unknown): FunctionName {
  const id = /^\$\{GetAtt:([A-Za-z0-9]+)\.Arn\}$/.exec(String(target))?.[1];
  const resource = id ? template.toJSON().Resources[id] : undefined;
  if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`${String(target)} is no Lambda function of the stack`);
  const name = names.find((n) => FUNCTIONS[n].description === resource.Properties.Description);
  if (!name) throw new Error(`${id} matches no entry of FUNCTIONS`);
  return name;
}

/** Each Task state and the function it invokes, whether through lambda:invoke or the function ARN as its resource. */
function taskFunctions(template: Template, definition: AslDefinition): Record<string, FunctionName> {
  return Object.fromEntries(
    Object.entries(definition.States)
      .filter(([, state]) => state.Type === 'Task')
      .map(([name, state]) => {
        const lambdaInvoke = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/.test(state.Resource ?? '');
        return [name, functionOf(template, lambdaInvoke ? state.Parameters?.FunctionName : state.Resource)];
      }),
  );
}

/** The object a Task hands its function. */
const payloadOf = (state: AslState) => (state.Resource?.startsWith('arn:aws:states:::lambda:invoke') ? state.Parameters?.Payload : state.Parameters);

type CatchRule = NonNullable<AslState['Catch']>[number];

/** Every transition out of a state: its target, how it is taken, and the Catch rule if by one. */
function transitions(state: AslState): (readonly [string, 'next' | 'choice' | 'catch', CatchRule | undefined])[] {
  return [
    ...(state.Next ? [[state.Next, 'next', undefined] as const] : []),
    ...(state.Default ? [[state.Default, 'choice', undefined] as const] : []),
    ...(state.Choices ?? []).map((choice) => [choice.Next, 'choice', undefined] as const),
    ...(state.Catch ?? []).map((rule) => [rule.Next, 'catch', rule] as const),
  ];
}

/** Every JSONPath a state reads: `.$` fields (also inside intrinsic functions) and Choice variables. */
function pathsRead(value: unknown, key = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => pathsRead(item));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => pathsRead(v, k));
  if (typeof value !== 'string' || !(key.endsWith('.$') || key === 'Variable' || key === 'InputPath' || key === 'OutputPath')) return [];
  return value.match(/\$\$?(\.[A-Za-z0-9_]+)*/g) ?? [];
}

const { machineId, definition, text } = definitionOf(stateless);
const states = definition.States;
const dev = stageConfig('dev');

describe('the case-review state machine resource', () => {
  it('is the only state machine: Standard, traced, logging every event without execution data to its own log group', () => {
    stateless.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const props = stateless.toJSON().Resources[machineId].Properties;
    expect(props).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    const destinations = props.LoggingConfiguration.Destinations as { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[];
    expect(destinations).toHaveLength(1);
    const [logGroupId, attribute] = destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'];
    expect(attribute).toBe('Arn');
    expect(stateless.toJSON().Resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: expect.any(Number) } });
  });

  it('is defined in JSONPath, with no JSONata and no variables (the embedded engine runs neither)', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toMatch(/JSONata/i);
    for (const [name, state] of Object.entries(states)) {
      expect(state.QueryLanguage ?? 'JSONPath', name).toBe('JSONPath');
      for (const field of ['Assign', 'Arguments', 'Output']) expect(state, name).not.toHaveProperty(field);
    }
  });

  it('uses only Ref and Fn::GetAtt of Lambda functions in its definition, besides the partition', () => {
    const tokens = [...text.matchAll(/\$\{(Ref|GetAtt):([^}.]+)(\.[^}]*)?\}/g)];
    expect(tokens.length).toBeGreaterThan(0);
    for (const [token, kind, id] of tokens) {
      expect(kind, token).toBe('GetAtt');
      expect(stateless.toJSON().Resources[id!]?.Type, token).toBe('AWS::Lambda::Function');
    }
  });
});

describe('the case-review definition', () => {
  it('starts at Init, and every transition leads to a state and every state is reachable', () => {
    expect(definition.StartAt).toBe(STATES.init);
    const reached = new Set<string>([definition.StartAt]);
    const queue = [definition.StartAt];
    while (queue.length) {
      const name = queue.shift()!;
      const state = states[name];
      expect(state, `transition to ${name}`).toBeDefined();
      for (const [target] of transitions(state!)) {
        if (!reached.has(target)) (reached.add(target), queue.push(target));
      }
    }
    expect([...reached].sort()).toEqual(Object.keys(states).sort());
  });

  it('waits for a task token in RequestReview, Escalate and RequestChanges, handing it to the function', () => {
    for (const name of [STATES.requestReview, STATES.escalate, STATES.requestChanges]) {
      expect(states[name], name).toMatchObject({ Type: 'Task', Resource: WAIT_FOR_TOKEN });
      expect(states[name]!.Parameters?.Payload?.['taskToken.$'], name).toBe('$$.Task.Token');
    }
    const waiting = Object.entries(states).filter(([, s]) => s.Resource === WAIT_FOR_TOKEN).map(([n]) => n);
    expect(waiting.sort()).toEqual([STATES.requestChanges, STATES.requestReview, STATES.escalate].sort());
  });

  it('lets every waiting task time out, so that no execution waits for ever', () => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Resource === WAIT_FOR_TOKEN) expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
    }
  });

  it('on a review timeout, asks RemindersLeft?, and on any other error of the review marks the case failed', () => {
    expect(states[STATES.requestReview]!.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: STATES.checkReminders },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.markFailed },
    ]);
    expect(states[STATES.remind]).toMatchObject({ Type: 'Pass', Next: STATES.requestReview });
  });

  it('after the last reminder escalates to the coordinators, with the next attempt, then expires the case when their window closes', () => {
    expect(states[STATES.checkReminders]!.Default).toBe(STATES.escalate);
    expect(states[STATES.escalate]).toMatchObject({ Type: 'Task', Resource: WAIT_FOR_TOKEN, ResultPath: '$.review', Next: STATES.decision });
    expect(states[STATES.escalate]!.Parameters?.Payload).toMatchObject({ 'attempt.$': 'States.MathAdd($.attempt, 1)', escalation: true });
    expect(states[STATES.escalate]!.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: STATES.expire },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.markFailed },
    ]);
  });

  it('expires the case when the amendment window closes', () => {
    expect(states[STATES.requestChanges]!.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: STATES.expire },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.markFailed },
    ]);
    expect(states[STATES.requestChanges]!.Next).toBe(STATES.nextRound);
    expect(states[STATES.nextRound]).toMatchObject({ Type: 'Pass', Next: STATES.requestReview });
  });

  it('branches Decision? on the approve, reject and changes decisions', () => {
    expect(states[STATES.requestReview]!.Next).toBe(STATES.decision);
    expect(states[STATES.decision]).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.review.decision', StringEquals: 'approve', Next: STATES.recordApproval },
        { Variable: '$.review.decision', StringEquals: 'reject', Next: STATES.recordRejection },
        { Variable: '$.review.decision', StringEquals: 'changes', Next: STATES.requestChanges },
      ],
    });
    expect(states[STATES.decision]!.Choices).toHaveLength(3);
  });

  it('records and notifies each outcome, then succeeds', () => {
    const chains = [
      [STATES.recordApproval, STATES.notifyApproval, STATES.approved, 'approved'],
      [STATES.recordRejection, STATES.notifyRejection, STATES.rejected, 'rejected'],
      [STATES.expire, STATES.notifyExpiry, STATES.expired, 'expired'],
    ] as const;
    for (const [record, notify, end, outcome] of chains) {
      expect(states[record], record).toMatchObject({ Type: 'Task', Next: notify, Parameters: { outcome } });
      expect(states[notify], notify).toMatchObject({ Type: 'Task', Next: end, Parameters: { outcome } });
      expect(states[end], end).toEqual({ Type: 'Succeed' });
    }
  });

  it('catches every error of every Task into MarkFailed, but MarkFailed itself and NotifyFailure after it (which end in Failed)', () => {
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(10);
    for (const [name, state] of tasks) {
      if (name === STATES.markFailed) {
        expect(state.Catch, name).toBeUndefined();
        continue;
      }
      if (name === STATES.notifyFailure) {
        expect(state.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.failed }]);
        continue;
      }
      expect(state.Catch?.at(-1), name).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.markFailed });
    }
  });

  const taskNames = () => Object.entries(states).filter(([, state]) => state.Type === 'Task');
  const WAITING: string[] = [STATES.requestReview, STATES.escalate, STATES.requestChanges];

  it('retries every Task on Lambda service errors and on a failure of its function, with exponential back-off and full jitter, before any Catch', () => {
    for (const [name, state] of taskNames()) {
      const rules = state.Retry ?? [];
      const service = rules.find((rule) => rule.ErrorEquals.includes('Lambda.ServiceException'));
      const failure = rules.find((rule) => rule.ErrorEquals.includes('States.TaskFailed'));
      expect(service?.ErrorEquals, name).toEqual(expect.arrayContaining([...LAMBDA_SERVICE_ERRORS]));
      for (const rule of [service, failure]) {
        expect(rule, name).toMatchObject({ JitterStrategy: 'FULL', MaxAttempts: expect.any(Number), IntervalSeconds: expect.any(Number), MaxDelaySeconds: expect.any(Number) });
        expect(rule!.BackoffRate, name).toBeGreaterThan(1);
        expect(rule!.MaxAttempts, name).toBeGreaterThanOrEqual(2);
        // Retries that end within minutes: a case is marked failed soon enough for ops to look.
        const waited = Array.from({ length: rule!.MaxAttempts! }, (_, i) => Math.min(rule!.IntervalSeconds! * rule!.BackoffRate! ** i, rule!.MaxDelaySeconds!));
        expect(waited.reduce((a, b) => a + b, 0), name).toBeLessThan(15 * 60);
      }
      // Step Functions takes the first rule that matches: the service errors before the TaskFailed wildcard.
      expect(rules.indexOf(service!), name).toBeLessThan(rules.indexOf(failure!));
      expect(rules.flatMap((rule) => rule.ErrorEquals), name).not.toContain('States.ALL');
    }
  });

  it('retries the time-out of a task that calls a function, never that of RequestReview, Escalate or RequestChanges (the review, escalation or amend window)', () => {
    for (const [name, state] of taskNames()) {
      const retriesTimeout = (state.Retry ?? []).some((rule) => rule.ErrorEquals.includes('States.Timeout') || rule.ErrorEquals.includes('States.ALL'));
      expect(retriesTimeout, name).toBe(!WAITING.includes(name));
      expect(state.TimeoutSeconds, name).toEqual(expect.any(Number));
    }
    for (const name of WAITING) expect(states[name]!.Catch?.[0]?.ErrorEquals, name).toEqual(['States.Timeout']);
  });

  it('enters MarkFailed only with $.error set, since it reads $.error.Error (else it fails with States.Runtime)', () => {
    expect(states[STATES.markFailed]!.Parameters?.['error.$']).toBe('$.error.Error');
    let entries = 0;
    for (const [name, state] of Object.entries(states)) {
      for (const [target, how, c] of transitions(state)) {
        if (target !== STATES.markFailed) continue;
        entries++;
        if (how === 'catch') expect(c?.ResultPath, `${name} catch`).toBe('$.error');
        else {
          // Only a Pass that puts an error object at $.error may lead there directly.
          expect({ name, how, state }, `${name} → ${target}`).toMatchObject({
            how: 'next',
            state: { Type: 'Pass', ResultPath: '$.error', Result: { Error: expect.any(String) } },
          });
        }
      }
    }
    expect(entries).toBeGreaterThan(0);
  });

  it('ends a failure in the one Fail state, after MarkFailed and the mail that tells the submitter', () => {
    const fails = Object.entries(states).filter(([, s]) => s.Type === 'Fail');
    expect(fails.map(([n]) => n)).toEqual([STATES.failed]);
    expect(states[STATES.failed]).toMatchObject({ Error: 'CaseReviewFailed' });
    expect(states[STATES.markFailed]).toMatchObject({ Type: 'Task', Next: STATES.notifyFailure, Parameters: { outcome: 'failed' } });
    expect(states[STATES.notifyFailure]).toMatchObject({ Type: 'Task', Next: STATES.failed, Parameters: { outcome: 'failed' } });
  });

  it('never mentions contact data in any state', () => {
    expect(JSON.stringify(states)).not.toMatch(/contact|email|comment|reviewer/i);
  });

  it('reads only ids, counters, the decision, the error name and the task token from the state', () => {
    const read = Object.values(states).flatMap((state) => pathsRead(state));
    expect(read).toEqual(expect.arrayContaining(['$.caseId', '$$.Task.Token', '$.review.decision']));
    for (const path of read) expect(READABLE_PATHS, path).toContain(path);
  });

  it('hands tasks ids, counters, an outcome, the escalation flag, an error name or a task token, nothing else', () => {
    const allowed = ['caseId.$', 'round.$', 'attempt.$', 'taskToken.$', 'outcome', 'escalation', 'error.$'];
    for (const [name, state] of Object.entries(states).filter(([, s]) => s.Type === 'Task')) {
      const payload = payloadOf(state);
      expect(payload, name).toMatchObject({ 'caseId.$': '$.caseId', 'round.$': '$.round' });
      for (const key of Object.keys(payload ?? {})) expect(allowed, `${name}: ${key}`).toContain(key);
    }
  });
});

describe.each(['dev', 'prod'])('the review timings of the %s stage', (stage) => {
  const cfg = stageConfig(stage);
  const own = stage === 'dev' ? definition.States : definitionOf(synthStage(stage).stateless).definition.States;

  it('give reviewers review.windowSeconds, coordinators escalationWindowSeconds and submitters amendWindowSeconds before the task times out', () => {
    expect(own[STATES.requestReview]!.TimeoutSeconds).toBe(cfg.review.windowSeconds);
    expect(own[STATES.escalate]!.TimeoutSeconds).toBe(cfg.review.escalationWindowSeconds ?? cfg.review.windowSeconds);
    expect(own[STATES.requestChanges]!.TimeoutSeconds).toBe(cfg.review.amendWindowSeconds);
  });

  it('remind reviewers review.reminders times before the review escalates', () => {
    expect(own[STATES.checkReminders]).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.attempt', NumericLessThan: cfg.review.reminders, Next: STATES.remind }],
      Default: STATES.escalate,
    });
  });
});

describe('the case-review task functions', () => {
  const tasks = taskFunctions(stateless, definition);

  it('are exactly request-review, request-changes, record-outcome and notify-submitter', () => {
    expect([...new Set(Object.values(tasks))].sort()).toEqual([...TASK_FUNCTIONS].sort());
    expect(names.filter((n) => 'workflowTask' in FUNCTIONS[n] && FUNCTIONS[n].workflowTask).sort()).toEqual([...TASK_FUNCTIONS].sort());
  });

  it('are invoked by the states named for them', () => {
    expect(tasks).toEqual({
      [STATES.requestReview]: 'request-review',
      [STATES.escalate]: 'request-review',
      [STATES.requestChanges]: 'request-changes',
      [STATES.recordApproval]: 'record-outcome',
      [STATES.recordRejection]: 'record-outcome',
      [STATES.expire]: 'record-outcome',
      [STATES.markFailed]: 'record-outcome',
      [STATES.notifyApproval]: 'notify-submitter',
      [STATES.notifyRejection]: 'notify-submitter',
      [STATES.notifyExpiry]: 'notify-submitter',
      [STATES.notifyFailure]: 'notify-submitter',
    });
  });
});

describe('case-review permissions', () => {
  const machine = stateless.toJSON().Resources[machineId].Properties;
  const machineStatements = statementsOfRole(stateless, machine.RoleArn['Fn::GetAtt'][0]);
  const statesActions = (name: FunctionName) => allowedActions(roleStatements(stateless, name)).filter((a) => a.startsWith('states:'));

  it('let the state machine invoke the four task functions and no other', () => {
    const invoking = machineStatements.filter((s) => asList(s.Action).some((a) => a.startsWith('lambda:') || a === '*'));
    expect(invoking).toHaveLength(1);
    expect(invoking[0]).toMatchObject({ Effect: 'Allow', Action: 'lambda:InvokeFunction' });
    const arn = (name: FunctionName) => ({ 'Fn::GetAtt': [functionId(stateless, name), 'Arn'] });
    const expected = TASK_FUNCTIONS.flatMap((name) => [arn(name), { 'Fn::Join': ['', [arn(name), ':*']] }]);
    const resources = asList(invoking[0]!.Resource);
    expect(resources).toHaveLength(expected.length);
    expect(resources).toEqual(expect.arrayContaining(expected));
  });

  it('give the state machine no action on every resource but logs and X-Ray ones', () => {
    const onEverything = machineStatements.filter((s: Statement) => asList(s.Resource).includes('*'));
    for (const action of onEverything.flatMap((s) => asList(s.Action))) expect(action).toMatch(/^(logs|xray):/);
  });

  it('let react-to-commit and sweep-outbox, and no other function, start executions of this machine', () => {
    expect(names.filter((n) => statesActions(n).includes('states:StartExecution')).sort()).toEqual(['react-to-commit', 'sweep-outbox']);
    for (const name of ['react-to-commit', 'sweep-outbox'] as const) {
      const start = roleStatements(stateless, name).filter((s) => asList(s.Action).includes('states:StartExecution'));
      expect(start.map((s) => s.Resource), name).toEqual([{ Ref: machineId }]);
    }
  });

  it('let react-to-commit and sweep-outbox, and no other function, answer its task tokens', () => {
    for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure']) {
      expect(names.filter((n) => statesActions(n).includes(action)).sort(), action).toEqual(['react-to-commit', 'sweep-outbox']);
    }
    for (const name of ['react-to-commit', 'sweep-outbox'] as const) {
      const answer = roleStatements(stateless, name).filter((s) => asList(s.Action).includes('states:SendTaskSuccess'));
      expect(answer.map((s) => s.Resource), name).toEqual([{ Ref: machineId }]);
    }
  });

  it('give the task functions and the functions that answer people no Step Functions action at all', () => {
    for (const name of [...TASK_FUNCTIONS, 'serve-form', 'get-case-status', 'submit-case', 'confirm-contact', 'review-case', 'amend-case'] as const) expect(statesActions(name), name).toEqual([]);
  });

  it('give STATE_MACHINE_ARN to exactly the functions that start executions', () => {
    expect(names.filter((n) => FUNCTIONS[n].startsWorkflow).sort()).toEqual(['react-to-commit', 'sweep-outbox']);
    for (const name of names) {
      const variable = functionProps(stateless, name).Environment.Variables.STATE_MACHINE_ARN;
      expect(variable, name).toEqual(FUNCTIONS[name].startsWorkflow ? { Ref: machineId } : undefined);
    }
  });
});

describe('case-review operations', () => {
  it('alarm the ops topic when an execution fails', () => {
    const [topicId] = Object.keys(stateless.findResources('AWS::SNS::Topic'));
    stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machineId } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('route HEAD /review/{reviewId} to review-case alongside GET and POST', () => {
    const resources = stateless.toJSON().Resources;
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route'));
    for (const method of ['GET', 'HEAD', 'POST'] as const) {
      const key = routeKey({ method, path: '/review/{reviewId}' });
      expect(ROUTES.filter((r) => routeKey(r) === key).map((r) => r.fn), key).toEqual(['review-case']);
      const found = routes.filter((r) => r.Properties.RouteKey === key);
      expect(found, key).toHaveLength(1);
      const integrationId: string = found[0]!.Properties.Target['Fn::Join'][1][1].Ref;
      expect(resources[integrationId].Properties.IntegrationUri, key).toEqual({ 'Fn::GetAtt': [functionId(stateless, 'review-case'), 'Arn'] });
    }
  });
});
