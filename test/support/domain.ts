import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import type { DynamoEmulator } from '../../infra/local/emulators';
import { streamInProcess, type LocalStream } from '../../infra/local/stream';
import type { EffectDeps, WorkflowPort } from '../../shared/app/effects';
import type { MailingReviewDeps, ReviewDeps } from '../../shared/app/review-flow';
import type { SubmitDeps } from '../../shared/app/submit-case';
import type { ConfirmDeps } from '../../shared/app/confirm-contact';
import { createPartnerKey, type PartnerKeys } from '../../shared/app/partner-keys';
import { createHumanCheck } from '../../shared/app/challenge';
import type { Mailer } from '../../shared/adapters/ses/mailer';
import { createNotifier } from '../../shared/adapters/ses/notifier';
import { createContactStore } from '../../shared/adapters/dynamodb/contact-store';
import { createMailCapStore } from '../../shared/adapters/dynamodb/mail-cap-store';
import { createPartnerKeyStore } from '../../shared/adapters/dynamodb/partner-key-store';
import { createCaseStore } from '../../shared/adapters/dynamodb/case-store';
import { createIdempotencyStore } from '../../shared/adapters/dynamodb/idempotency-store';
import { createOutboxStore } from '../../shared/adapters/dynamodb/outbox-store';
import { createReviewStore } from '../../shared/adapters/dynamodb/review-store';

/** The proof-of-work key of the domain tests: challenges made with it verify. */
export const TEST_CHALLENGE_KEY = 'test-challenge-hmac-key';

/**
 * The domain's dependencies over real stores on an emulated table, with the mailer, the workflow
 * and the clock of the test: what the functions get from shared/wiring, minus SES and Step Functions.
 */
export function domainDeps(options: {
  doc: DynamoDBDocumentClient;
  table: string;
  mailer: Mailer;
  workflow: WorkflowPort;
  now: () => Date;
  reviewers: string[];
  reviewWindowSeconds?: number;
  amendWindowSeconds?: number;
}): ReviewDeps & MailingReviewDeps & SubmitDeps & ConfirmDeps {
  const { doc, table } = options;
  const contacts = createContactStore(doc, table);
  return {
    cases: createCaseStore(doc, table),
    outbox: createOutboxStore(doc, table),
    reviews: createReviewStore(doc, table),
    idempotency: createIdempotencyStore(doc, table),
    partnerKeys: createPartnerKeyStore(doc, table),
    humanCheck: createHumanCheck(TEST_CHALLENGE_KEY),
    confirmedContacts: contacts,
    contacts,
    mailCaps: createMailCapStore(doc, table),
    notifier: createNotifier(options.mailer),
    workflow: options.workflow,
    partners: new Map(LOCAL_PARTNERS.map((p) => [p.id, p])),
    ownOrigin: 'https://intake.example.org',
    publicBaseUrl: 'https://intake.example.org',
    startsWorkflow: true,
    now: options.now,
    log: { info: () => undefined, error: () => undefined },
    reviewers: options.reviewers,
    reviewWindowSeconds: options.reviewWindowSeconds ?? 86_400,
    amendWindowSeconds: options.amendWindowSeconds ?? 86_400,
  };
}

const bearers = new WeakMap<object, Map<string, Promise<string>>>();

/** An `Authorization` header with a key of `partner`, stored once through the deps' own key store. */
export function bearerFor(deps: { partnerKeys: PartnerKeys }, partner = 'humanitas'): Promise<string> {
  let perDeps = bearers.get(deps.partnerKeys);
  if (!perDeps) bearers.set(deps.partnerKeys, (perDeps = new Map()));
  let bearer = perDeps.get(partner);
  if (!bearer) {
    bearer = createPartnerKey(deps.partnerKeys, partner, new Date(), { replaceOldest: true }).then(({ key }) => `Bearer ${key}`);
    perDeps.set(partner, bearer);
  }
  return bearer;
}

/** Everything {@link domainDeps} builds: the dependencies of every use case. */
export type DomainDeps = ReturnType<typeof domainDeps>;

/**
 * The table's stream over `dynamo`, feeding the stream's handler with `deps` as react-to-commit
 * runs it: what a use case's writes leave pending runs from here. `idle()` waits for it.
 */
export function commitStream(dynamo: DynamoEmulator, table: string, deps: EffectDeps): LocalStream {
  return streamInProcess(dynamo, table, deps);
}

/**
 * `useCase`, answering once the stream has run what its writes left pending: a test then reads
 * the mails and deliveries that follow the use case's commit, as a person would a moment later.
 */
export function thenStream<A extends unknown[], R>(stream: () => LocalStream, useCase: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    const result = await useCase(...args);
    await stream().idle();
    return result;
  };
}
