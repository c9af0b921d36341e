import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { streamInProcess, type LocalStream } from '../../infra/local/stream';
import type { WorkflowPort } from '../../shared/app/effects';
import { purgeExpiredPersonalData } from '../../shared/app/personal-data';
import { decide as decideNow, recordOutcome, requestReview as requestReviewNow, type ReviewDeps } from '../../shared/app/review-flow';
import { submitCase as submitCaseNow, type SubmitDeps } from '../../shared/app/submit-case';
import type { MailMessage } from '../../shared/adapters/ses/mailer';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPersonStore } from '../../shared/adapters/dynamodb/person-store';
import { createReviewStore } from '../../shared/adapters/dynamodb/review-store';
import { bearerFor, domainDeps, type DomainDeps, thenStream } from '../support/domain';
import { validCase } from '../support/runtime';

let stream: LocalStream;
const submitCase = thenStream(() => stream, submitCaseNow);
const requestReview = thenStream(() => stream, requestReviewNow);
const decide = thenStream(() => stream, decideNow);


/**
 * Listings that must read every page of their query. DynamoDB stops a page at 1 MB; here every
 * query of the stores under test is cut to two items a page, so a reader of the first page only
 * misses items at once.
 */
const TABLE = 'query-pages';
let dynamo: DynamoEmulator;
let doc: DynamoDBDocumentClient;
let smallPages: DynamoDBDocumentClient;
let deps: DomainDeps;
let clock = new Date('2024-01-10T10:00:00Z');
const mails: MailMessage[] = [];
const REVIEWER = 'giulia.neri@hub.example.org';
let queries = 0;

/** The same client, with every Query limited to `limit` items a page. */
function withPagesOf(client: DynamoDBDocumentClient, limit: number): DynamoDBDocumentClient {
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: unknown) => {
        if (command instanceof QueryCommand) {
          queries += 1;
          return send(new QueryCommand({ ...command.input, Limit: limit }));
        }
        return send(command);
      };
    },
  });
}

beforeAll(async () => {
  dynamo = await startDynamo('memory', TABLE);
  doc = createDocumentClient(dynamo.endpoint);
  smallPages = withPagesOf(doc, 2);
  const workflow: WorkflowPort = { start: async () => undefined, succeed: async () => 'done' };
  deps = domainDeps({
    doc,
    table: TABLE,
    mailer: { send: async (m) => { mails.push(m); return { messageId: String(mails.length) }; } },
    workflow,
    now: () => clock,
    reviewers: [REVIEWER],
  });
  stream = streamInProcess(dynamo, TABLE, deps);
});
afterAll(async () => {
  await stream?.close();
  await dynamo?.close();
});

async function approvedCaseOf(email: string, name: string) {
  const { id, reference } = await submitCase(deps, { payload: validCase({ contact: { name, email, role: 'Referente' } }), lang: 'it', authorization: await bearerFor(deps) });
  await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: `t-${id}` });
  const link = mails.find((m) => m.to.includes(REVIEWER) && m.subject.includes(reference))?.text.match(/\/review\/([\w-]+)/)?.[1] ?? '';
  await decide(deps, link, { decision: 'approve' }, 'it');
  await recordOutcome(deps, { caseId: id, round: 1, outcome: 'approved' });
  return id;
}

describe('queries read to their last page', () => {
  it('the retention purge erases every case and version past retention, when its queries come back in pages', async () => {
    clock = new Date('2025-01-10T10:00:00Z');
    const names = ['Paolo Primi', 'Anna Seconda', 'Marco Terzi', 'Elena Quarti', 'Luca Quinti'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      clock = new Date(Date.parse('2025-01-10T10:00:00Z') + i * 60_000);
      ids.push(await approvedCaseOf(`paginato.${i}@example.org`, name));
    }
    queries = 0;
    const result = await purgeExpiredPersonalData(createPersonStore(smallPages, TABLE), 365, new Date('2026-07-01T00:00:00Z'));
    expect(queries).toBeGreaterThan(names.length);
    expect(result.cases).toBe(names.length);
    const people = createPersonStore(doc, TABLE);
    for (const [i, id] of ids.entries()) {
      const items = await people.caseItems(id);
      expect(items.length).toBeGreaterThan(2);
      expect(JSON.stringify(items)).not.toContain(names[i]);
      expect(JSON.stringify(items)).not.toContain(`paginato.${i}@example.org`);
    }
  });

  it('the decisions of a case are all listed, when their query comes back in pages', async () => {
    const caseId = '01JPAGESPAGESPAGESPAGES000';
    const reviews = createReviewStore(doc, TABLE);
    for (let round = 1; round <= 5; round++) {
      await reviews.recordDecision({ caseId, round, decision: round < 5 ? 'changes' : 'approve', reviewer: REVIEWER, at: `2026-03-0${round}T10:00:00.000Z`, comment: `round ${round}` });
    }
    const decisions = await createReviewStore(smallPages, TABLE).decisions(caseId);
    expect(decisions.map((d) => d.round).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
