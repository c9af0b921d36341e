import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { COMMIT_STREAM } from '../../infra/config/stream';
import { matchesFilter } from '../../infra/local/stream';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_INPUT } from '../../infra/config/schedule-input';
import { FUNCTION_MODULES } from '../../infra/local/functions';
import { scheduledInvocation } from '../../infra/local/runtime';
import { FUNCTIONS, ROUTES, routeKey, SCHEDULES, type FunctionName, type FunctionSpec } from '../../infra/routes';

const folders = readdirSync('functions', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe('the function folders', () => {
  it('are exactly the functions the stacks and the embedded runtime know', () => {
    expect(folders.sort()).toEqual(Object.keys(FUNCTIONS).sort());
    expect(Object.keys(FUNCTION_MODULES).sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  it.each(folders)('%s has a handler.ts exporting handler and a sample event in events/', async (name) => {
    expect(existsSync(`functions/${name}/handler.ts`)).toBe(true);
    const module = await FUNCTION_MODULES[name as keyof typeof FUNCTIONS]();
    expect(typeof module.handler).toBe('function');
    expect(existsSync(`events/${name}.json`)).toBe(true);
  });

  it.each(folders)('the sample event of %s is one the function is wired to receive', (name) => {
    const event = JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as { routeKey?: string; source?: string; caseId?: string; Records?: { eventSource?: string; dynamodb?: { NewImage?: unknown } }[] };
    const routes = ROUTES.filter((route) => route.fn === name).map(routeKey);
    const spec: FunctionSpec = FUNCTIONS[name as FunctionName];
    if (routes.length > 0) expect(routes).toContain(event.routeKey);
    else if (spec.workflowTask) expect(event.caseId).toMatch(/^[0-9A-Z]{26}$/);
    else if (spec.streamTrigger) {
      expect(event.Records?.length).toBeGreaterThan(0);
      for (const record of event.Records ?? []) {
        expect(record.eventSource).toBe('aws:dynamodb');
        expect(matchesFilter(COMMIT_STREAM.filter, record), 'a record the event filter lets through').toBe(true);
      }
    }
    else expect(SCHEDULES.map((s) => s.fn)).toContain(name);
  });
});

/** What Scheduler puts in place of each context attribute of SCHEDULE_INPUT. */
const SCHEDULED_INVOCATION = {
  scheduleArn: expect.stringMatching(/^arn:aws:scheduler:[a-z0-9-]+:\d{12}:schedule\/default\/[\w.-]+$/),
  scheduledTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  executionId: expect.stringMatching(/^[0-9a-z]{8,}$/),
  attemptNumber: expect.stringMatching(/^[1-9]\d*$/),
};

describe('the scheduled functions', () => {
  const scheduled = SCHEDULES.map((s) => s.fn);

  it('take the schedule input and nothing else', () => {
    expect(Object.keys(SCHEDULED_INVOCATION).sort()).toEqual(Object.keys(SCHEDULE_INPUT).sort());
    for (const value of Object.values(SCHEDULE_INPUT)) expect(value).toMatch(/^<aws\.scheduler\.[a-z-]+>$/);
  });

  it.each(scheduled)('%s: the sample event is what Scheduler delivers with the schedule input', (name) => {
    const sample = JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as Record<string, unknown>;
    expect(sample).toStrictEqual(SCHEDULED_INVOCATION);
    expect(String(sample.scheduleArn)).toContain(`${name.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Schedule`);
  });

  it.each(scheduled)('%s: the embedded runtime runs it with the same event', (name) => {
    const event = scheduledInvocation(name, new Date('2026-03-02T10:01:00.250Z'));
    expect(event).toStrictEqual(SCHEDULED_INVOCATION);
    expect(event.scheduledTime).toBe('2026-03-02T10:01:00Z');
    expect(event.scheduleArn.endsWith(`/local-${name}`)).toBe(true);
  });

  it('keep the context attributes through CDK, as the schedule target input Scheduler fills in', () => {
    const stack = new Stack(new App(), 'ScheduleInput');
    const fn = new LambdaFunction(stack, 'Fn', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => ({})') });
    new Schedule(stack, 'Every', { schedule: ScheduleExpression.rate(Duration.minutes(1)), target: new LambdaInvoke(fn, { input: ScheduleTargetInput.fromObject(SCHEDULE_INPUT) }) });
    const [schedule] = Object.values(Template.fromStack(stack).findResources('AWS::Scheduler::Schedule')) as { Properties: { Target: { Input: string } } }[];
    expect(JSON.parse(schedule!.Properties.Target.Input)).toEqual(SCHEDULE_INPUT);
  });
});
