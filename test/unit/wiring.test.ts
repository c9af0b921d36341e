import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import { resetConfig } from '../../shared/config';
import { confirmDeps, decisionDeps, mailingTaskDeps, resetWiring, reviewTaskDeps, statusDeps, submitDeps, sweepDeps } from '../../shared/wiring';

const ENV = {
  TABLE_NAME: 'wiring-test',
  PUBLIC_BASE_URL: 'https://intake.example.org',
  MAIL_FROM: 'hub@example.org',
  PARTNERS: JSON.stringify(LOCAL_PARTNERS),
  REVIEWERS: 'reviewer@example.org',
  COORDINATORS: 'coordinator@example.org',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  STATE_MACHINE_ARN: '',
} as const;
const saved = Object.fromEntries(Object.keys(ENV).map((name) => [name, process.env[name]]));

function setEnv(overrides: Partial<Record<keyof typeof ENV, string>> = {}) {
  Object.assign(process.env, ENV, overrides);
  resetConfig();
  resetWiring();
}

beforeEach(() => setEnv());
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetConfig();
  resetWiring();
});

describe('the wiring', () => {
  it('builds a function’s dependencies once per process', () => {
    expect(statusDeps()).toBe(statusDeps());
    expect(submitDeps()).toBe(submitDeps());
  });

  it('builds them again from the new configuration after resetWiring, and only then', () => {
    const before = statusDeps();
    process.env.TABLE_NAME = 'another-table';
    resetConfig();
    expect(statusDeps()).toBe(before);
    resetWiring();
    const after = statusDeps();
    expect(after).not.toBe(before);
    expect(after.config.TABLE_NAME).toBe('another-table');
  });

  it('queues the review of every submission and confirmation, though neither function holds the state machine: the commit starts it', () => {
    expect(submitDeps().startsWorkflow).toBe(true);
    expect(confirmDeps().startsWorkflow).toBe(true);
    setEnv({ STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:123456789012:stateMachine:CaseReview' });
    expect(sweepDeps().workflow).toBeDefined();
  });

  it('gives the notifier (and so the mailer) and the workflow only to the functions that use them', () => {
    // The functions that answer people write once and leave the rest to the stream.
    for (const deps of [submitDeps(), confirmDeps(), decisionDeps()] as unknown as Record<string, unknown>[]) {
      expect(deps.notifier).toBeUndefined();
      expect(deps.workflow).toBeUndefined();
    }
    expect(sweepDeps()).toMatchObject({ notifier: expect.any(Object), workflow: expect.any(Object), partnerKeys: expect.any(Object) });
    expect(mailingTaskDeps().notifier).toBeDefined();
    expect(mailingTaskDeps().workflow).toBeUndefined();
    expect(reviewTaskDeps().notifier).toBeUndefined();
    expect(reviewTaskDeps().workflow).toBeUndefined();
  });

  it('shares one notifier and one workflow port between the builders of a process', () => {
    expect(sweepDeps().notifier).toBe(mailingTaskDeps().notifier);
    expect(sweepDeps().cases).not.toBe(undefined);
  });
});
