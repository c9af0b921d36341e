import { SFNClient, StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { config, type Config } from './config';
import type { WorkflowStarter } from './domain/effects';
import type { SubmitDeps } from './domain/submit-case';
import { log } from './log';
import { createSesMailer } from './mail/mailer';
import { createCaseStore } from './store/case-store';
import { createDocumentClient, localCredentials } from './store/clients';
import { createIdempotencyStore } from './store/idempotency-store';

/** Starts the review workflow with a name derived from the case, so a retry can never start a second one. */
export function createWorkflowStarter(stateMachineArn: string, endpoint?: string): WorkflowStarter {
  const client = new SFNClient({
    ...(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'eu-south-1', credentials: localCredentials } : {}),
    maxAttempts: 4,
  });
  return {
    async start(caseId) {
      try {
        await client.send(
          new StartExecutionCommand({ stateMachineArn, name: `case-${caseId}`, input: JSON.stringify({ caseId }) }),
        );
      } catch (error) {
        // Already started by an earlier attempt: that is the outcome we wanted.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
  };
}

/** Everything the handlers need, built once per process from the configuration. */
export function createDeps(cfg: Config = config()): SubmitDeps {
  const doc = createDocumentClient(cfg.DYNAMODB_ENDPOINT);
  return {
    cases: createCaseStore(doc, cfg.TABLE_NAME),
    idempotency: createIdempotencyStore(doc, cfg.TABLE_NAME),
    mailer: createSesMailer({ from: cfg.MAIL_FROM, endpoint: cfg.SES_ENDPOINT, configurationSet: cfg.SES_CONFIGURATION_SET }),
    workflow: cfg.STATE_MACHINE_ARN ? createWorkflowStarter(cfg.STATE_MACHINE_ARN, cfg.SFN_ENDPOINT) : undefined,
    partners: cfg.partnersById,
    ownOrigin: cfg.ownOrigin,
    publicBaseUrl: cfg.PUBLIC_BASE_URL,
    now: () => new Date(),
    log,
  };
}

let cached: SubmitDeps | undefined;

/** The process's dependencies, created on first use (so a cold start that only serves a page builds no clients). */
export function deps(): SubmitDeps {
  cached ??= createDeps();
  return cached;
}

/** Drops the cached dependencies (the local runtime rebuilds them after changing the environment). */
export function resetDeps(): void {
  cached = undefined;
}
