import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import type { LocalStream } from '../../infra/local/stream';
import type { WorkflowPort } from '../../shared/app/effects';
import { createPartnerKey, type PartnerKeys } from '../../shared/app/partner-keys';
import type { Mailer } from '../../shared/app/ports';
import type { Reviewer } from '../../shared/core/reviewers';
import { depsOn } from '../../shared/wiring';

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
  reviewers: (string | Reviewer)[];
  coordinators?: (string | Reviewer)[];
  reviewWindowSeconds?: number;
  amendWindowSeconds?: number;
}) {
  return depsOn({
    doc: options.doc,
    tableName: options.table,
    mailer: options.mailer,
    workflow: options.workflow,
    now: options.now,
    partners: new Map(LOCAL_PARTNERS.map((p) => [p.id, p])),
    ownOrigin: 'https://intake.example.org',
    publicBaseUrl: 'https://intake.example.org',
    challengeKey: TEST_CHALLENGE_KEY,
    reviewers: options.reviewers,
    coordinators: options.coordinators ?? [],
    reviewWindowSeconds: options.reviewWindowSeconds ?? 86_400,
    amendWindowSeconds: options.amendWindowSeconds ?? 86_400,
  });
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
