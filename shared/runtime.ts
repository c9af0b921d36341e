import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { config, type Config } from './config';
import type { WorkflowPort } from './domain/effects';
import type { SubmitDeps } from './domain/submit-case';
import { log } from './log';
import { createSesMailer } from './mail/mailer';
import { createCaseStore } from './store/case-store';
import { createDocumentClient, localCredentials } from './store/clients';
import { createIdempotencyStore } from './store/idempotency-store';
import { createOutboxStore } from './store/outbox-store';
import { createCatalogStore, type CatalogStore } from './store/catalog-store';
import { createMetricsStore, type MetricsStore } from './store/metrics-store';
import { createPersonStore, type PersonStore } from './store/person-store';
import { createReviewStore } from './store/review-store';
import { createContactStore, type ContactStore } from './store/contact-store';
import { createMailCapStore } from './store/mail-cap-store';
import { createPartnerKeyStore } from './store/partner-key-store';
import { createHumanCheck } from './store/human-check';

/** The execution name of a case's review: deterministic, so a retried start can never start a second one. */
export const executionName = (caseId: string) => `case-${caseId}`;

/** The case-review state machine through the Step Functions API. */
export function createWorkflowPort(stateMachineArn: string | undefined, endpoint?: string): WorkflowPort {
  let created: SFNClient | undefined;
  // Built on first use: most invocations of most functions never talk to Step Functions.
  const client = () =>
    (created ??= new SFNClient({
      ...(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'eu-south-1', credentials: localCredentials } : {}),
      maxAttempts: 4,
    }));
  return {
    async start(caseId) {
      if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not configured');
      try {
        await client().send(
          new StartExecutionCommand({ stateMachineArn, name: executionName(caseId), input: JSON.stringify({ caseId }) }),
        );
      } catch (error) {
        // Already started by an earlier attempt: that is the outcome we wanted.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
    async succeed(taskToken, output) {
      try {
        await client().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
        return 'done';
      } catch (error) {
        if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) return 'gone';
        throw error;
      }
    },
  };
}

export type Deps = SubmitDeps & { config: Config; metrics: MetricsStore; catalog: CatalogStore; people: PersonStore; contacts: ContactStore };

/** Everything the handlers need, built once per process from the configuration. */
export function createDeps(cfg: Config = config()): Deps {
  const doc = createDocumentClient(cfg.DYNAMODB_ENDPOINT);
  const contacts = createContactStore(doc, cfg.TABLE_NAME);
  return {
    config: cfg,
    cases: createCaseStore(doc, cfg.TABLE_NAME),
    outbox: createOutboxStore(doc, cfg.TABLE_NAME),
    reviews: createReviewStore(doc, cfg.TABLE_NAME),
    metrics: createMetricsStore(doc, cfg.TABLE_NAME),
    catalog: createCatalogStore(doc, cfg.TABLE_NAME),
    people: createPersonStore(doc, cfg.TABLE_NAME),
    idempotency: createIdempotencyStore(doc, cfg.TABLE_NAME),
    partnerKeys: createPartnerKeyStore(doc, cfg.TABLE_NAME),
    humanCheck: createHumanCheck(doc, cfg.TABLE_NAME, cfg.CHALLENGE_HMAC_KEY),
    contacts,
    confirmedContacts: contacts,
    mailCaps: createMailCapStore(doc, cfg.TABLE_NAME),
    mailer: createSesMailer({ from: cfg.MAIL_FROM, endpoint: cfg.SES_ENDPOINT, configurationSet: cfg.SES_CONFIGURATION_SET }),
    workflow: createWorkflowPort(cfg.STATE_MACHINE_ARN, cfg.SFN_ENDPOINT),
    startsWorkflow: Boolean(cfg.STATE_MACHINE_ARN),
    partners: cfg.partnersById,
    ownOrigin: cfg.ownOrigin,
    publicBaseUrl: cfg.PUBLIC_BASE_URL,
    now: () => new Date(),
    log,
  };
}

let cached: Deps | undefined;

/** The process's dependencies, created on first use (so a cold start that only serves a page builds no clients). */
export function deps(): Deps {
  cached ??= createDeps();
  return cached;
}

/** Drops the cached dependencies (the local runtime rebuilds them after changing the environment). */
export function resetDeps(): void {
  cached = undefined;
}
