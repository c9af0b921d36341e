import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo, type Emulator } from '../../infra/local/emulators';
import { CaseInput } from '../../shared/core/case';
import type { CaseStatus } from '../../shared/core/case-record';
import type { MetricsSnapshot } from '../../shared/core/metrics';
import { createCaseStore, type CaseStore, type NewCase } from '../../shared/adapters/dynamodb/case-store';
import { reserveLegacyReferences } from '../../shared/adapters/dynamodb/legacy-references';
import { caseIdFor } from '../../shared/core/ids';
import { createCatalogStore } from '../../shared/adapters/dynamodb/catalog-store';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createContactStore } from '../../shared/adapters/dynamodb/contact-store';
import { createIdempotencyStore, type IdempotencyRecord } from '../../shared/adapters/dynamodb/idempotency-store';
import { keys } from '../../shared/adapters/dynamodb/keys';
import { createMailCapStore } from '../../shared/adapters/dynamodb/mail-cap-store';
import { createMetricsStore, METRIC_ATTRIBUTES } from '../../shared/adapters/dynamodb/metrics-store';
import { createOutboxStore } from '../../shared/adapters/dynamodb/outbox-store';
import { createPartnerKeyStore } from '../../shared/adapters/dynamodb/partner-key-store';
import { createPersonStore, ERASED } from '../../shared/adapters/dynamodb/person-store';
import { batchGetAll, queryAll } from '../../shared/adapters/dynamodb/query';
import { createReviewStore } from '../../shared/adapters/dynamodb/review-store';
import { createReportTextStore } from '../../shared/adapters/dynamodb/report-text-store';
import { DEFAULT_REPORT_TEXTS } from '../../shared/core/report-texts';
import { dynamodbLocalAvailability, startDynamodbLocal } from '../support/dynamodb-local';

/**
 * The DynamoDB adapter's contract: every access pattern, condition and index the stores in
 * shared/adapters/dynamodb rely on, through their own interfaces, written once and run against dynalite (the
 * embedded emulator) and against AWS's DynamoDB Local, whose validation is DynamoDB's own.
 */

const dynamodbLocal = dynamodbLocalAvailability();
if (!dynamodbLocal.available) {
  console.warn(`The DynamoDB contract tests against DynamoDB Local are skipped: ${dynamodbLocal.reason}.`);
}

// DynamoDB Local refuses table names under 3 characters; this one suits both.
const TABLE = 'contract';

const EMULATORS: { name: string; start: () => Promise<Emulator>; skip: boolean }[] = [
  { name: 'dynalite', start: () => startDynamo('memory', TABLE), skip: false },
  { name: 'DynamoDB Local', start: () => startDynamodbLocal(TABLE), skip: !dynamodbLocal.available },
];

type Send = (command: unknown) => Promise<unknown>;

/** The same client, with `rewrite` deciding what each command becomes. */
function intercept(client: DynamoDBDocumentClient, rewrite: (command: unknown, send: Send) => Promise<unknown>): DynamoDBDocumentClient {
  const send = client.send.bind(client) as Send;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: unknown) => rewrite(command, send);
    },
  });
}

/** Every Query cut to `limit` items a page, so a reader of one page only misses items at once. */
const withPagesOf = (client: DynamoDBDocumentClient, limit: number) =>
  intercept(client, (command, send) => (command instanceof QueryCommand ? send(new QueryCommand({ ...command.input, Limit: limit })) : send(command)));

/**
 * Batches as DynamoDB answers them when throttled: the first `rounds` batches of each kind have
 * only their first half processed by the table, and the rest comes back unprocessed.
 */
function withUnprocessed(client: DynamoDBDocumentClient, table: string, rounds: number) {
  const calls = { write: 0, get: 0 };
  const doc = intercept(client, async (command, send) => {
    if (command instanceof BatchWriteCommand) {
      calls.write += 1;
      const requests = command.input.RequestItems?.[table] ?? [];
      if (calls.write > rounds || requests.length < 2) return send(command);
      const half = Math.ceil(requests.length / 2);
      const result = (await send(new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, half) } }))) as { UnprocessedItems?: Record<string, unknown[]> };
      return { ...result, UnprocessedItems: { [table]: [...requests.slice(half), ...(result.UnprocessedItems?.[table] ?? [])] } };
    }
    if (command instanceof BatchGetCommand) {
      calls.get += 1;
      const request = command.input.RequestItems?.[table];
      const wanted = request?.Keys ?? [];
      if (!request || calls.get > rounds || wanted.length < 2) return send(command);
      const half = Math.ceil(wanted.length / 2);
      const result = (await send(new BatchGetCommand({ RequestItems: { [table]: { ...request, Keys: wanted.slice(0, half) } } }))) as {
        UnprocessedKeys?: Record<string, { Keys?: unknown[] }>;
      };
      return { ...result, UnprocessedKeys: { [table]: { ...request, Keys: [...wanted.slice(half), ...(result.UnprocessedKeys?.[table]?.Keys ?? [])] } } };
    }
    return send(command);
  });
  return { doc, calls };
}

/** The same client, counting the write requests sent through it. */
function countingWrites(client: DynamoDBDocumentClient) {
  const counts = { writes: 0 };
  const doc = intercept(client, (command, send) => {
    if ([PutCommand, UpdateCommand, DeleteCommand, BatchWriteCommand].some((kind) => command instanceof kind)) counts.writes += 1;
    return send(command);
  });
  return { doc, counts };
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 12)}`;

/** A valid submission, through the schema the API parses with. */
function caseData(overrides: Record<string, unknown> = {}): CaseInput {
  return CaseInput.parse({
    partner: 'humanitas',
    kind: 'telex',
    title: 'Televisita per lo scompenso cardiaco',
    summary: 'Servizio di televisita e telemonitoraggio per pazienti con scompenso cardiaco cronico.',
    facility: { name: 'Humanitas Research Hospital', code: '030906' },
    contact: { name: 'Maria Rossi', email: `${unique('maria')}@example.org`, role: 'Project manager' },
    telexServices: ['televisita', 'telemonitoraggio'],
    clinicalAreas: ['cardiology'],
    careSettings: ['home'],
    technologies: ['platform'],
    stage: 'active',
    patientsImpacted: 1200,
    funding: [],
    reimbursement: 'reimbursed',
    interoperability: ['fse', 'fhir'],
    startDate: '2024-03-01',
    language: 'it',
    consent: true,
    ...overrides,
  });
}

function draftOf(at: string, overrides: Partial<NewCase> = {}, data: Record<string, unknown> = {}): NewCase {
  const id = unique('case');
  return {
    id,
    reference: unique('HUB'),
    data: caseData(data),
    channel: 'api',
    statusTokenHash: unique('status'),
    at,
    commit: { kind: 'submitted', effects: 'receipt,workflow', statusToken: 'status-secret' },
    commitDueAt: at,
    ...overrides,
  };
}

const idempotencyRecord = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  fingerprint: unique('fp'),
  caseId: unique('case'),
  reference: unique('HUB'),
  sealedToken: unique('sealed'),
  reservedAt: '2025-01-01T10:00:00.000Z',
  expiresAt: Math.floor(Date.parse('2025-01-02T10:00:00Z') / 1000),
  ...overrides,
});

const snapshotAt = (generatedAt: string, casesConsidered: number) =>
  ({ rulesVersion: 'test', generatedAt, asOf: generatedAt, casesConsidered }) as unknown as MetricsSnapshot;

for (const emulator of EMULATORS) {
  describe.skipIf(emulator.skip)(`the DynamoDB adapter's contract on ${emulator.name}`, () => {
    let server: Emulator;
    let doc: DynamoDBDocumentClient;
    const store = () => ({
      cases: createCaseStore(doc, TABLE),
      reviews: createReviewStore(doc, TABLE),
      outbox: createOutboxStore(doc, TABLE),
      idempotency: createIdempotencyStore(doc, TABLE),
      partnerKeys: createPartnerKeyStore(doc, TABLE),
      contacts: createContactStore(doc, TABLE),
      mailCaps: createMailCapStore(doc, TABLE),
      metrics: createMetricsStore(doc, TABLE),
      catalog: createCatalogStore(doc, TABLE),
      people: createPersonStore(doc, TABLE),
    });
    /** A case as it is once its commit has run: created, its records written, its commit entry settled. */
    const committed = async (cases: CaseStore, draft: NewCase) => {
      const result = await cases.create(draft);
      await cases.recordCommit(result.record!, { kind: 'submitted' });
      await createOutboxStore(doc, TABLE).complete({ key: keys.case(draft.id), caseId: draft.id, effect: 'commit', attempts: 0, dueAt: draft.commitDueAt }, draft.at);
      return result;
    };
    const raw = async (key: { pk: string; sk: string }) => (await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item;

    beforeAll(async () => {
      server = await emulator.start();
      doc = createDocumentClient(server.endpoint);
    });
    afterAll(async () => {
      doc?.destroy();
      await server?.close();
    });

    describe('cases', () => {
      it('creates a case in one write of its item, which carries its commit entry, fresh; a second create with that id returns the first', async () => {
        const { cases, outbox } = store();
        const draft = draftOf('2025-02-01T09:00:00.000Z');
        const counting = countingWrites(doc);
        const first = await createCaseStore(counting.doc, TABLE).create(draft);
        expect(counting.counts.writes).toBe(1);
        expect(first.created).toBe(true);
        expect(await cases.get(draft.id)).toEqual(first.record);
        expect(first.record).toMatchObject({ id: draft.id, reference: draft.reference, status: 'submitted', revision: 1, dataVersion: 1, data: draft.data, channel: 'api' });
        expect(await raw(keys.case(draft.id))).toMatchObject({ effect: 'commit', fresh: true, payload: draft.commit, ...keys.outboxIndex(draft.at, draft.id), ...keys.person(draft.data.contact.email) });

        const again = await cases.create({ ...draft, reference: unique('HUB'), statusTokenHash: 'another' });
        expect(again).toEqual({ created: false, record: first.record });
        const due = (await outbox.due('2025-02-01T09:00:00.000Z', 100)).filter((entry) => entry.caseId === draft.id);
        expect(due).toEqual([{ key: keys.case(draft.id), caseId: draft.id, effect: 'commit', attempts: 0, dueAt: draft.at, payload: draft.commit }]);
        expect(await cases.versions(draft.id)).toEqual([]);
        expect(await cases.get('no-such-case')).toBeUndefined();
      });

      it('keeps the references of cases stored before ids came from references: a new case with one meets its reservation', async () => {
        const { cases } = store();
        const reference = unique('HUB-2026');
        await doc.send(new PutCommand({ TableName: TABLE, Item: { ...keys.reference(reference), type: 'reference', reference, caseId: '01JLEGACYCASEID0000000000' } }));
        const first = await reserveLegacyReferences(doc, TABLE);
        expect(first.reserved).toBeGreaterThanOrEqual(1);
        expect((await reserveLegacyReferences(doc, TABLE)).reserved).toBe(0);
        const draft = { ...draftOf('2025-02-01T09:05:00.000Z'), reference, id: caseIdFor(reference) };
        expect(await cases.create(draft)).toEqual({ created: false });
        expect(await cases.get(draft.id)).toBeUndefined();
        // A new case's own claim needs no reservation: its key is its reference's.
        const own = unique('HUB-2026');
        await doc.send(new PutCommand({ TableName: TABLE, Item: { ...keys.reference(own), type: 'reference', reference: own, caseId: caseIdFor(own) } }));
        await reserveLegacyReferences(doc, TABLE);
        expect(await raw(keys.case(caseIdFor(own)))).toBeUndefined();
      });

      it('records what the commit of a new case implies: its first version, its submitted event and the count, the records whole if written again', async () => {
        const { cases, metrics } = store();
        const before = (await metrics.statusCounts()).submitted ?? 0;
        const draft = draftOf('2025-02-01T09:10:00.000Z');
        const { record } = await cases.create(draft);
        await cases.recordCommit(record!, { kind: 'submitted' });
        await cases.recordCommit(record!, { kind: 'submitted' });
        expect(await cases.versions(draft.id)).toEqual([{ version: 1, at: draft.at, data: draft.data }]);
        expect(await cases.history(draft.id)).toEqual([{ at: draft.at, type: 'submitted', actor: { type: 'submitter' }, to: 'submitted' }]);
        expect(await raw(keys.version(draft.id, 1))).toMatchObject(keys.person(draft.data.contact.email));
        // The count is the one figure a repeated commit can move twice: the pipeline figure tolerates it.
        expect((await metrics.statusCounts()).submitted).toBeGreaterThanOrEqual(before + 1);
      });

      it('reads one stored version by its key, in one GetItem, and nothing for a version not stored', async () => {
        const draft = draftOf('2025-02-01T09:20:00.000Z');
        const { record } = await store().cases.create(draft);
        await store().cases.recordCommit(record!, { kind: 'submitted' });
        const sent: string[] = [];
        const counted = intercept(doc, (command, send) => {
          sent.push((command as object).constructor.name);
          return send(command);
        });
        const cases = createCaseStore(counted, TABLE);
        expect(await cases.version(draft.id, 1)).toEqual({ version: 1, at: draft.at, data: draft.data });
        expect(sent).toEqual(['GetCommand']);
        expect(await cases.version(draft.id, 2)).toBeUndefined();
        expect(await cases.version('no-such-case', 1)).toBeUndefined();
      });

      it('writes the records of a commit to the end when DynamoDB leaves part of the batch unprocessed', async () => {
        const throttled = withUnprocessed(doc, TABLE, 2);
        const cases = createCaseStore(throttled.doc, TABLE);
        const draft = draftOf('2025-02-01T09:30:00.000Z');
        const { record } = await cases.create(draft);
        await cases.recordCommit(record!, { kind: 'submitted' });
        expect(throttled.calls.write).toBeGreaterThan(1);
        expect(await cases.versions(draft.id)).toHaveLength(1);
        expect(await cases.history(draft.id)).toHaveLength(1);
      });

      it('changes status only at the expected revision and status, and moves the case between byStatus partitions', async () => {
        const { cases } = store();
        const draft = draftOf('2025-02-02T09:00:00.000Z');
        await committed(cases, draft);
        const change = { id: draft.id, from: 'submitted' as const, to: 'in_review' as const, actor: { type: 'system' as const, name: 'workflow' }, at: '2025-02-02T09:01:00.000Z' };
        expect(await cases.transition({ ...change, expectedRevision: 2 })).toBe(false);
        expect(await cases.transition({ ...change, from: 'changes_requested', expectedRevision: 1 })).toBe(false);
        expect(await cases.transition({ ...change, expectedRevision: 1, round: 1, attempt: 0 })).toBe(true);
        expect(await cases.transition({ ...change, expectedRevision: 1 })).toBe(false);
        expect(await cases.transition({ ...change, id: 'no-such-case', expectedRevision: 1 })).toBe(false);

        const record = await cases.get(draft.id);
        expect(record).toMatchObject({ status: 'in_review', revision: 2, updatedAt: change.at, reviewRound: 1, reviewAttempt: 0 });
        expect(record?.decidedAt).toBeUndefined();
        expect(await cases.idsByStatus('in_review')).toContain(draft.id);
        expect(await cases.idsByStatus('submitted')).not.toContain(draft.id);

        const decidedAt = '2025-02-02T10:00:00.000Z';
        const reviewer = `${unique('rev')}@hub.example.org`;
        expect(await cases.transition({ id: draft.id, from: 'in_review', to: 'approved', expectedRevision: 2, actor: { type: 'reviewer', email: reviewer }, at: decidedAt, note: 'ok' })).toBe(true);
        expect(await cases.get(draft.id)).toMatchObject({ status: 'approved', revision: 3, decidedAt });
        expect((await cases.history(draft.id)).map((event) => [event.type, event.to])).toEqual([
          ['submitted', 'submitted'],
          ['status-changed', 'in_review'],
          ['status-changed', 'approved'],
        ]);
        expect(await raw(keys.event(draft.id, decidedAt, 2))).toMatchObject({ ...keys.person(reviewer) });
      });

      it('lists ids by status oldest change first, across pages', async () => {
        const paged = createCaseStore(withPagesOf(doc, 2), TABLE);
        const { cases } = store();
        const ids: string[] = [];
        for (const minute of [5, 1, 4, 2, 3]) {
          const draft = draftOf(`2025-02-03T09:0${minute}:00.000Z`);
          await committed(cases, draft);
          await cases.transition({ id: draft.id, from: 'submitted', to: 'expired', expectedRevision: 1, actor: { type: 'system', name: 'expiry' }, at: draft.at });
          ids[minute - 1] = draft.id;
        }
        expect(await paged.idsByStatus('expired')).toEqual(ids);
      });

      it('sets the review round only at the expected revision', async () => {
        const { cases } = store();
        const draft = draftOf('2025-02-04T09:00:00.000Z');
        await committed(cases, draft);
        expect(await cases.setRound(draft.id, 2, 1, 1, '2025-02-04T09:01:00.000Z')).toBe(false);
        expect(await cases.setRound(draft.id, 1, 1, 1, '2025-02-04T09:01:00.000Z')).toBe(true);
        expect(await cases.get(draft.id)).toMatchObject({ status: 'submitted', revision: 2, reviewRound: 1, reviewAttempt: 1 });
      });

      it('stores an amendment once, only while changes are requested in that round on the version reviewed', async () => {
        const { cases } = store();
        const draft = draftOf('2025-02-05T09:00:00.000Z');
        await committed(cases, draft);
        await cases.transition({ id: draft.id, from: 'submitted', to: 'in_review', expectedRevision: 1, actor: { type: 'system', name: 'workflow' }, at: draft.at, round: 1, attempt: 0 });
        const data = caseData({ title: 'Televisita rivista', stage: undefined, contact: { name: 'Luca Verdi', email: `${unique('luca')}@example.org` } });
        const commit = { kind: 'amended', effects: 'deliver-amendment', round: 1, version: 2, at: '2025-02-05T10:00:00.000Z', seq: 3 };
        const amendment = { id: draft.id, expectedRevision: 3, data, version: 2, round: 1, at: '2025-02-05T10:00:00.000Z', commit };
        expect(await cases.amend(amendment)).toBe(false); // still in review
        await cases.transition({ id: draft.id, from: 'in_review', to: 'changes_requested', expectedRevision: 2, actor: { type: 'system', name: 'workflow' }, at: draft.at });
        expect(await cases.amend({ ...amendment, round: 2 })).toBe(false);
        expect(await cases.amend({ ...amendment, expectedRevision: 2 })).toBe(false);
        expect(await cases.amend(amendment)).toBe(true);
        expect(await cases.amend({ ...amendment, expectedRevision: 4 })).toBe(false); // the edit link is single-use

        const record = await cases.get(draft.id);
        expect(record).toMatchObject({ status: 'changes_requested', revision: 4, dataVersion: 2, updatedAt: amendment.at });
        expect(record?.data).toEqual(data);
        expect(record?.data.stage).toBeUndefined();
        // One write: the case item holds the new version and carries the commit that records it.
        expect((await cases.versions(draft.id)).map((version) => version.version)).toEqual([1]);
        expect(await raw(keys.case(draft.id))).toMatchObject({ ...keys.person(data.contact.email), effect: 'commit', fresh: true, payload: commit, ...keys.outboxIndex(amendment.at, draft.id) });
        await cases.recordCommit(record!, { kind: 'amended', version: 2, at: amendment.at, seq: 3 });
        expect(await cases.versions(draft.id)).toEqual([
          { version: 1, at: draft.at, data: draft.data },
          { version: 2, at: amendment.at, data },
        ]);
        expect((await cases.history(draft.id)).at(-1)).toMatchObject({ type: 'amended', note: 'v2' });
      });

      it('records a contact confirmation once, and queues the start of the review with it', async () => {
        const { cases } = store();
        const draft = draftOf('2025-02-06T09:00:00.000Z', { channel: 'form', confirmTokenHash: unique('confirm') });
        const { record } = await committed(cases, draft);
        expect(record).toMatchObject({ awaitingConfirmation: true, confirmTokenHash: draft.confirmTokenHash, channel: 'form' });
        const at = '2025-02-06T09:10:00.000Z';
        expect(await cases.confirmContact({ id: draft.id, expectedRevision: 2, at, startWorkflow: true })).toBe(false);
        expect(await cases.confirmContact({ id: draft.id, expectedRevision: 1, at, startWorkflow: true })).toBe(true);
        expect(await cases.confirmContact({ id: draft.id, expectedRevision: 2, at, startWorkflow: true })).toBe(false);
        const confirmed = await cases.get(draft.id);
        expect(confirmed).toMatchObject({ revision: 2, confirmedAt: at });
        expect(confirmed?.awaitingConfirmation).toBeUndefined();
        expect(await raw(keys.case(draft.id))).toMatchObject({ effect: 'workflow', dueAt: at, ...keys.outboxIndex(at, draft.id) });

        const quiet = draftOf('2025-02-06T09:00:00.000Z', { channel: 'form', confirmTokenHash: unique('confirm') });
        await committed(cases, quiet);
        expect(await cases.confirmContact({ id: quiet.id, expectedRevision: 1, at, startWorkflow: false })).toBe(true);
        expect((await raw(keys.case(quiet.id)))?.gsi2pk).toBeUndefined();
      });
    });

    describe('reviews', () => {
      it('keeps the latest task token of a wait', async () => {
        const { reviews } = store();
        const id = unique('case');
        expect(await reviews.taskToken(id, 'review', 1)).toBeUndefined();
        await reviews.saveTaskToken(id, 'review', 1, 'token-1', '2025-03-01T09:00:00.000Z');
        await reviews.saveTaskToken(id, 'review', 1, 'token-2', '2025-03-01T09:05:00.000Z');
        expect(await reviews.taskToken(id, 'review', 1)).toBe('token-2');
        expect(await reviews.taskToken(id, 'amend', 1)).toBeUndefined();
      });

      it('creates a review request once, with its mail queued, and finds it by its link only', async () => {
        const { reviews } = store();
        const caseId = unique('case');
        const reviewId = `${unique('review')}-0123456789abcdef`.replace(/[^A-Za-z0-9_-]/g, '');
        const request = { caseId, round: 1, attempt: 0, index: 0, reviewer: 'giulia@hub.example.org', reviewId, expiresAt: '2025-03-02T09:00:00.000Z', createdAt: '2025-03-01T09:00:00.000Z', mailDueAt: '2025-03-01T09:00:00.000Z' };
        expect(await reviews.createRequest(request)).toBe(true);
        expect(await reviews.createRequest(request)).toBe(false);
        expect(await reviews.findRequest(reviewId)).toMatchObject({ caseId, round: 1, attempt: 0, reviewer: request.reviewer, expiresAt: request.expiresAt });
        expect(await reviews.findRequest(`${reviewId}x`)).toBeUndefined();
        expect(await reviews.findRequest('short')).toBeUndefined();
        expect(await raw(keys.reviewRequest(caseId, 1, 0, 0))).toMatchObject({ effect: 'review-mail', payload: { reviewId, reviewer: request.reviewer, attempt: 0 } });
      });

      it('writes the audit event of a review request with it, once however often the request is made, indexed by the person asked', async () => {
        const { reviews, cases } = store();
        const caseId = unique('case');
        const reviewId = `${unique('review')}-0123456789abcdef`.replace(/[^A-Za-z0-9_-]/g, '');
        const request = {
          caseId, round: 2, attempt: 1, index: 0, reviewer: 'paola@hub.example.org', role: 'coordinator' as const, organisation: 'ieo', reason: 'escalation' as const,
          reviewId, expiresAt: '2025-03-02T09:00:00.000Z', createdAt: '2025-03-01T09:00:00.000Z', mailDueAt: '2025-03-01T09:00:00.000Z', revision: 5,
        };
        expect(await reviews.createRequest(request)).toBe(true);
        expect(await reviews.createRequest({ ...request, reviewId: `${reviewId}b`, createdAt: '2025-03-01T09:00:30.000Z' })).toBe(false);
        expect(await cases.history(caseId)).toEqual([
          {
            at: '2025-03-01T09:00:00.000Z',
            type: 'review-requested',
            actor: { type: 'system', name: 'case-review' },
            asked: { email: 'paola@hub.example.org', role: 'coordinator', organisation: 'ieo' },
            round: 2,
            attempt: 1,
            reason: 'escalation',
          },
        ]);
        expect(await raw(keys.requestEvent(caseId, '2025-03-01T09:00:00.000Z', 5, 2, 1, 0))).toMatchObject(keys.person('paola@hub.example.org'));
        expect(await reviews.findRequest(reviewId)).toMatchObject({ role: 'coordinator', organisation: 'ieo', reason: 'escalation' });
      });

      it('records one decision a round and returns the first to a second writer', async () => {
        const { reviews } = store();
        const caseId = unique('case');
        const first = { caseId, round: 1, decision: 'changes' as const, comment: 'more detail', reviewer: 'a@hub.example.org', at: '2025-03-03T09:00:00.000Z' };
        expect(await reviews.recordDecision(first)).toEqual({ recorded: true });
        expect(await reviews.recordDecision({ ...first, decision: 'approve', reviewer: 'b@hub.example.org' })).toEqual({ recorded: false, existing: first });
        const second = { caseId, round: 2, decision: 'approve' as const, reviewer: 'b@hub.example.org', at: '2025-03-04T09:00:00.000Z' };
        const both = await Promise.all([reviews.recordDecision(second), reviews.recordDecision({ ...second, decision: 'reject' })]);
        expect(both.filter((result) => result.recorded)).toHaveLength(1);
        expect(await reviews.decision(caseId, 1)).toEqual(first);
        expect(await reviews.decision(caseId, 3)).toBeUndefined();
        expect((await reviews.decisions(caseId)).map((decision) => decision.round)).toEqual([1, 2]);
        expect(await raw(keys.decision(caseId, 1))).toMatchObject({ effect: 'deliver-decision', payload: { round: 1, decision: 'changes' } });
      });

      it('opens an amendment once', async () => {
        const { reviews } = store();
        const caseId = unique('case');
        const amendment = { caseId, round: 1, editToken: 'edit-secret', editTokenHash: 'edit-hash', expiresAt: '2025-03-10T09:00:00.000Z', baseVersion: 1, mailDueAt: '2025-03-03T09:00:00.000Z' };
        expect(await reviews.createAmendment(amendment)).toBe(true);
        expect(await reviews.createAmendment({ ...amendment, editTokenHash: 'other' })).toBe(false);
        expect(await reviews.amendment(caseId, 1)).toEqual({ caseId, round: 1, editTokenHash: 'edit-hash', expiresAt: amendment.expiresAt, baseVersion: 1 });
        expect(await reviews.amendment(caseId, 2)).toBeUndefined();
      });
    });

    describe('the outbox', () => {
      // Its entries are due in 2001, before everything else in the table: `due` sees only them.
      const entry = (caseId: string, dueAt: string) => ({ key: keys.outbox(caseId, 'outcome-mail'), caseId, effect: 'outcome-mail' as const, dueAt, payload: { decision: 'approve' } });

      it('lists due entries oldest first, up to the limit; leases each once; defers, completes and dead-letters them', async () => {
        const { outbox } = store();
        const [a, b, c] = ['2001-01-01T00:00:03.000Z', '2001-01-01T00:00:01.000Z', '2001-01-01T00:00:02.000Z'].map((dueAt) => entry(unique('case'), dueAt)) as [
          ReturnType<typeof entry>,
          ReturnType<typeof entry>,
          ReturnType<typeof entry>,
        ];
        for (const e of [a, b, c]) expect(await outbox.enqueue(e)).toBe(true);
        expect(await outbox.enqueue({ ...a, dueAt: '2001-01-01T00:00:00.000Z' })).toBe(false);

        expect((await outbox.due('2001-01-01T00:00:02.000Z', 10)).map((e) => e.caseId)).toEqual([b.caseId, c.caseId]);
        expect((await outbox.due('2001-01-01T00:00:09.000Z', 2)).map((e) => e.caseId)).toEqual([b.caseId, c.caseId]);
        const [dueB] = await outbox.due('2001-01-01T00:00:01.000Z', 10);
        expect(dueB).toEqual({ ...b, attempts: 0 });

        // Lease: once for the due time seen; the entry leaves `due` until the lease ends.
        expect(await outbox.lease(dueB!, '2001-01-01T00:01:00.000Z')).toBe(true);
        expect(await outbox.lease(dueB!, '2001-01-01T00:01:00.000Z')).toBe(false);
        expect((await outbox.due('2001-01-01T00:00:59.000Z', 10)).map((e) => e.caseId)).toEqual([c.caseId, a.caseId]);

        // Defer: a later due time, one more attempt, the error kept.
        await outbox.defer({ ...dueB!, dueAt: '2001-01-01T00:01:00.000Z' }, '2001-01-01T00:00:30.000Z', 'SES said no');
        const [deferred] = (await outbox.due('2001-01-01T00:00:30.000Z', 10)).filter((e) => e.caseId === b.caseId);
        expect(deferred).toMatchObject({ dueAt: '2001-01-01T00:00:30.000Z', attempts: 1 });
        expect(await raw(b.key)).toMatchObject({ lastError: 'SES said no' });

        // Complete: out of the outbox, payload and error erased; defer and dead-letter then leave it so.
        await outbox.complete(deferred!, '2001-01-01T00:00:31.000Z');
        await outbox.defer(deferred!, '2001-01-01T00:00:40.000Z', 'late');
        await outbox.deadLetter(deferred!, '2001-01-01T00:00:41.000Z', 'late');
        const done = await raw(b.key);
        expect(done).toMatchObject({ doneAt: '2001-01-01T00:00:31.000Z', attempts: 1 });
        expect(done?.payload).toBeUndefined();
        expect(done?.lastError).toBeUndefined();
        expect(done?.gsi2pk).toBeUndefined();
        expect((await outbox.due('2001-01-01T23:00:00.000Z', 10)).map((e) => e.caseId)).toEqual([c.caseId, a.caseId]);

        // Completing an item that is gone does not bring it back.
        const gone = entry(unique('case'), '2001-01-01T00:00:05.000Z');
        await outbox.complete({ ...gone, attempts: 0 }, '2001-01-01T00:00:06.000Z');
        expect(await raw(gone.key)).toBeUndefined();

        // Dead letter: out of `due`, listed with its error, payload kept; revived once, attempts afresh.
        await outbox.deadLetter({ ...c, attempts: 0 }, '2001-01-01T00:02:00.000Z', 'mailbox full');
        await outbox.deadLetter({ ...a, attempts: 0 }, '2001-01-01T00:03:00.000Z', 'x'.repeat(900));
        expect((await outbox.due('2001-01-01T23:00:00.000Z', 10)).map((e) => e.caseId)).toEqual([]);
        const dead = (await outbox.deadLetters()).filter((e) => [a.caseId, c.caseId].includes(e.caseId));
        expect(dead.map((e) => [e.caseId, e.deadLetteredAt, e.attempts, e.payload])).toEqual([
          [c.caseId, '2001-01-01T00:02:00.000Z', 1, { decision: 'approve' }],
          [a.caseId, '2001-01-01T00:03:00.000Z', 1, { decision: 'approve' }],
        ]);
        expect(dead[0]?.lastError).toBe('mailbox full');
        expect(dead[1]?.lastError).toHaveLength(500);
        expect(await outbox.revive(c, '2001-01-01T01:00:00.000Z')).toBe(true);
        expect(await outbox.revive(c, '2001-01-01T01:00:00.000Z')).toBe(false);
        expect(await outbox.revive(b, '2001-01-01T01:00:00.000Z')).toBe(false);
        expect(await outbox.due('2001-01-01T01:00:00.000Z', 10)).toEqual([{ ...c, dueAt: '2001-01-01T01:00:00.000Z', attempts: 0 }]);
        expect((await outbox.deadLetters()).map((e) => e.caseId)).not.toContain(c.caseId);
      });

      it('lets one of many sweeps lease an entry', async () => {
        const { outbox } = store();
        const e = entry(unique('case'), '2001-01-02T00:00:00.000Z');
        await outbox.enqueue(e);
        const leases = await Promise.all(Array.from({ length: 8 }, () => outbox.lease({ ...e, attempts: 0 }, '2001-01-02T00:05:00.000Z')));
        expect(leases.filter(Boolean)).toHaveLength(1);
      });

      it('reads every dead letter across pages', async () => {
        const paged = createOutboxStore(withPagesOf(doc, 2), TABLE);
        const { outbox } = store();
        const entries = Array.from({ length: 5 }, (_, i) => entry(unique('case'), `2001-01-03T00:00:0${i}.000Z`));
        for (const [i, e] of entries.entries()) {
          await outbox.enqueue(e);
          await outbox.deadLetter({ ...e, attempts: 0 }, `2001-01-03T00:10:0${i}.000Z`, 'down');
        }
        const ids = entries.map((e) => e.caseId);
        expect((await paged.deadLetters()).map((e) => e.caseId).filter((id) => ids.includes(id))).toEqual(ids);
      });
    });

    describe('idempotency keys', () => {
      it('binds a key once and returns the first binding to a replay', async () => {
        const { idempotency } = store();
        const key = unique('key');
        const now = new Date('2025-01-01T10:00:00Z');
        const first = idempotencyRecord();
        expect(await idempotency.reserve('humanitas', key, first, now)).toEqual({ fresh: true, record: first });
        expect(await idempotency.reserve('humanitas', key, idempotencyRecord(), now)).toEqual({ fresh: false, record: first });
        const other = idempotencyRecord();
        expect(await idempotency.reserve('niguarda', key, other, now)).toEqual({ fresh: true, record: other });
        const raced = unique('raced');
        const racing = await Promise.all(Array.from({ length: 6 }, () => idempotency.reserve('humanitas', raced, idempotencyRecord(), now)));
        expect(racing.filter((result) => result.fresh)).toHaveLength(1);
      });

      it('counts an expired binding as absent', async () => {
        const { idempotency } = store();
        const key = unique('key');
        await idempotency.reserve('humanitas', key, idempotencyRecord(), new Date('2025-01-01T10:00:00Z'));
        const later = idempotencyRecord({ reservedAt: '2025-01-03T10:00:00.000Z', expiresAt: Math.floor(Date.parse('2025-01-04T10:00:00Z') / 1000) });
        expect(await idempotency.reserve('humanitas', key, later, new Date('2025-01-03T10:00:00Z'))).toEqual({ fresh: true, record: later });
      });

      it('releases, takes over once and rebinds only the key of its own case', async () => {
        const { idempotency } = store();
        const key = unique('key');
        const now = new Date('2025-01-01T10:00:00Z');
        const first = idempotencyRecord();
        await idempotency.reserve('humanitas', key, first, now);

        await idempotency.release('humanitas', key, 'another-case', new Date('2025-01-01T10:00:01Z'));
        expect((await idempotency.reserve('humanitas', key, idempotencyRecord(), now)).record.releasedAt).toBeUndefined();
        await idempotency.release('humanitas', key, first.caseId, new Date('2025-01-01T10:00:02Z'));
        expect((await idempotency.reserve('humanitas', key, idempotencyRecord(), now)).record.releasedAt).toBe('2025-01-01T10:00:02.000Z');
        await idempotency.release('humanitas', unique('never-reserved'), first.caseId, now);

        const takeOver = new Date('2025-01-01T10:05:00Z');
        const takers = await Promise.all([idempotency.takeOver('humanitas', key, first, takeOver), idempotency.takeOver('humanitas', key, first, takeOver)]);
        expect(takers.filter(Boolean)).toHaveLength(1);
        expect(await idempotency.takeOver('humanitas', key, first, takeOver)).toBe(false);
        const taken = (await idempotency.reserve('humanitas', key, idempotencyRecord(), now)).record;
        expect(taken).toEqual({ ...first, reservedAt: takeOver.toISOString() });

        await idempotency.rebind('humanitas', key, first.caseId, 'HUB-REBOUND');
        expect((await idempotency.reserve('humanitas', key, idempotencyRecord(), now)).record.reference).toBe('HUB-REBOUND');
        await expect(idempotency.rebind('humanitas', key, 'another-case', 'HUB-OTHER')).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      });
    });

    describe('partner keys', () => {
      it('stores a key once, lists the partner’s keys only across pages, revokes once', async () => {
        const { partnerKeys, contacts } = store();
        const paged = createPartnerKeyStore(withPagesOf(doc, 2), TABLE);
        const partner = unique('partner');
        const records = Array.from({ length: 5 }, (_, i) => ({ partner, keyId: `key${i}`, secretHash: unique('hash'), createdAt: `2025-04-01T09:00:0${i}.000Z`, ...(i === 0 ? { label: 'ops' } : {}) }));
        for (const record of records) expect(await partnerKeys.put(record)).toBe(true);
        expect(await partnerKeys.put({ ...records[0]!, secretHash: 'replaced' })).toBe(false);
        // A confirmed contact shares the partition and is no key.
        await contacts.remember(partner, 'someone@example.org', '2025-04-01T09:00:00.000Z');
        expect(await paged.list(partner)).toEqual(records);
        expect(await partnerKeys.get(partner, 'key0')).toEqual(records[0]);
        expect(await partnerKeys.get(partner, 'nokey')).toBeUndefined();

        expect(await partnerKeys.revoke(partner, 'key1', '2025-04-02T09:00:00.000Z')).toBe(true);
        expect(await partnerKeys.revoke(partner, 'key1', '2025-04-03T09:00:00.000Z')).toBe(false);
        expect(await partnerKeys.revoke(partner, 'nokey', '2025-04-03T09:00:00.000Z')).toBe(false);
        expect(await raw(keys.partnerKey(partner, 'nokey'))).toBeUndefined();
        expect(await partnerKeys.get(partner, 'key1')).toMatchObject({ revokedAt: '2025-04-02T09:00:00.000Z' });
      });

      it('records a key’s use at most once per resolution, and never for a key that does not exist', async () => {
        const { partnerKeys } = store();
        const partner = unique('partner');
        await partnerKeys.put({ partner, keyId: 'key0', secretHash: 'h', createdAt: '2025-04-01T09:00:00.000Z' });
        const hour = 3_600_000;
        await partnerKeys.touch(partner, 'key0', new Date('2025-04-01T10:00:00Z'), hour);
        expect((await partnerKeys.get(partner, 'key0'))?.lastUsedAt).toBe('2025-04-01T10:00:00.000Z');
        await partnerKeys.touch(partner, 'key0', new Date('2025-04-01T10:59:00Z'), hour);
        expect((await partnerKeys.get(partner, 'key0'))?.lastUsedAt).toBe('2025-04-01T10:00:00.000Z');
        await partnerKeys.touch(partner, 'key0', new Date('2025-04-01T11:00:01Z'), hour);
        expect((await partnerKeys.get(partner, 'key0'))?.lastUsedAt).toBe('2025-04-01T11:00:01.000Z');
        await partnerKeys.touch(partner, 'missing', new Date('2025-04-01T11:00:01Z'), hour);
        expect(await raw(keys.partnerKey(partner, 'missing'))).toBeUndefined();
      });
    });

    describe('the report’s texts', () => {
      it('creates each version once, answers the newest as current and every one, newest first, across pages', async () => {
        const texts = createReportTextStore(doc, TABLE);
        const paged = createReportTextStore(withPagesOf(doc, 3), TABLE);
        expect(await texts.current()).toBeUndefined();
        expect(await texts.history()).toEqual([]);
        const versions = Array.from({ length: 11 }, (_, i) => ({ version: i + 1, savedAt: `2026-12-01T09:00:${String(i).padStart(2, '0')}.000Z`, savedBy: `editor ${i}`, texts: DEFAULT_REPORT_TEXTS }));
        for (const version of versions) expect(await texts.create(version)).toBe(true);
        // Version 10 sorts after version 9: the sort key is zero-padded.
        expect(await texts.create({ ...versions[2]!, savedBy: 'someone else' })).toBe(false);
        expect(await texts.current()).toEqual(versions[10]);
        expect(await paged.history()).toEqual([...versions].reverse());
        expect((await raw(keys.reportTexts(3)))?.savedBy).toBe('editor 2');
      });
    });

    describe('contacts and mail caps', () => {
      it('remembers a confirmed contact per partner, without the address in the item', async () => {
        const { contacts } = store();
        const email = `${unique('ada')}@example.org`;
        expect(await contacts.isConfirmed('humanitas', email)).toBe(false);
        await contacts.remember('humanitas', email, '2025-05-01T09:00:00.000Z');
        expect(await contacts.isConfirmed('humanitas', email)).toBe(true);
        expect(await contacts.isConfirmed('humanitas', ` ${email.toUpperCase()} `)).toBe(true);
        expect(await contacts.isConfirmed('niguarda', email)).toBe(false);
        expect(JSON.stringify(await raw(keys.confirmedContact('humanitas', email)))).not.toContain(email);
      });

      it('sends mails to an address up to the day’s cap, counting simultaneous takes exactly', async () => {
        const { mailCaps } = store();
        const email = `${unique('cap')}@example.org`;
        const takes = await Promise.all(Array.from({ length: 8 }, () => mailCaps.take(email, 'receipt', '2025-05-01', 3)));
        expect(takes.filter(Boolean)).toHaveLength(3);
        expect(await mailCaps.take(email, 'receipt', '2025-05-01', 3)).toBe(false);
        expect(await mailCaps.take(email, 'receipt', '2025-05-01', 4)).toBe(true);
        expect(await mailCaps.take(email, 'receipt', '2025-05-02', 3)).toBe(true);
        expect(await mailCaps.take(email, 'confirm', '2025-05-01', 3)).toBe(true);
        expect(await raw(keys.mailCap(email, 'receipt', '2025-05-01'))).toMatchObject({ sent: 4, type: 'mail-cap', expiresAt: Date.parse('2025-05-03T00:00:00Z') / 1000 });
      });
    });

    describe('approved cases: metrics and catalogue', () => {
      // Decided in 2030, after everything else in the table: the newest approvals are these.
      const approved: { id: string; draft: NewCase }[] = [];
      beforeAll(async () => {
        const { cases } = store();
        const shapes = [
          { kind: 'telex', partner: 'humanitas', clinicalAreas: ['cardiology'], telexServices: ['televisita'] },
          { kind: 'hospital-app', partner: 'humanitas', clinicalAreas: ['oncology'], telexServices: undefined },
          { kind: 'telex', partner: 'niguarda', clinicalAreas: ['cardiology', 'oncology'], telexServices: ['telemonitoraggio'] },
          { kind: 'telex', partner: 'niguarda', clinicalAreas: ['oncology'], telexServices: ['televisita', 'teleconsulto'] },
          { kind: 'need', partner: 'humanitas', clinicalAreas: ['cardiology'], telexServices: undefined },
        ];
        for (const [i, shape] of shapes.entries()) {
          const draft = draftOf('2030-01-01T09:00:00.000Z', {}, { ...shape, summary: `Riassunto del caso numero ${i}, abbastanza lungo.` });
          await committed(cases, draft);
          await cases.transition({ id: draft.id, from: 'submitted', to: 'approved', expectedRevision: 1, actor: { type: 'system', name: 'test' }, at: `2030-01-0${i + 2}T09:00:00.000Z` });
          approved.push({ id: draft.id, draft });
        }
      });

      /** Every item of a paged read, in order. */
      async function collect<T>(pages: AsyncIterable<{ items: T[] }>): Promise<{ items: T[] }> {
        const items: T[] = [];
        for await (const page of pages) items.push(...page.items);
        return { items };
      }

      it('reads approved cases from the byStatus index with the metric attributes only, across pages', async () => {
        const metrics = createMetricsStore(withPagesOf(doc, 2), TABLE);
        const cases: Record<string, unknown>[] = [];
        let readCapacity = 0;
        let pages = 0;
        for await (const page of metrics.approvedCases()) {
          cases.push(...(page.items as unknown as Record<string, unknown>[]));
          readCapacity += page.readCapacity;
          pages += 1;
        }
        expect(pages).toBeGreaterThan(1);
        const byId = new Map(cases.map((c) => [(c as unknown as { id: string }).id, c]));
        for (const [i, { id, draft }] of approved.entries()) {
          // Exactly the metric attributes, every one the case has: the index projects them all.
          const stored: Record<string, unknown> = { ...draft.data, id, createdAt: draft.at, decidedAt: `2030-01-0${i + 2}T09:00:00.000Z` };
          const expected = Object.fromEntries(METRIC_ATTRIBUTES.filter((name) => stored[name] !== undefined).map((name) => [name, stored[name]]));
          expect(byId.get(id)).toEqual(expected);
        }
        expect(readCapacity).toBeGreaterThan(0);
        const times = (await collect(metrics.decisionTimes('approved'))).items;
        expect(times.filter((t) => t.createdAt === '2030-01-01T09:00:00.000Z').map((t) => t.decidedAt)).toEqual(approved.map((_, i) => `2030-01-0${i + 2}T09:00:00.000Z`));
        expect(Object.keys(times[0] ?? {}).sort()).toEqual(['createdAt', 'decidedAt']);
        expect((await metrics.statusCounts()).approved).toBeGreaterThanOrEqual(approved.length);
      });

      it('pages the catalogue newest decision first, with summaries from the case items and no personal data', async () => {
        const { catalog } = store();
        const first = await catalog.page({ filters: {}, limit: 2 });
        expect(first.items.map((item) => item.id)).toEqual([approved[4]!.id, approved[3]!.id]);
        expect(first.next).toEqual({ at: '2030-01-05T09:00:00.000Z', id: approved[3]!.id });
        // Every public field, and nothing else: the index projects them, the summary comes from the case item.
        const { data, reference } = approved[4]!.draft;
        const { contact: _contact, language: _language, consent: _consent, ...publicFields } = data;
        expect(first.items[0]).toEqual({ ...publicFields, id: approved[4]!.id, reference, decidedAt: '2030-01-06T09:00:00.000Z' });
        const second = await catalog.page({ filters: {}, limit: 2, after: first.next });
        expect(second.items.map((item) => item.id)).toEqual([approved[2]!.id, approved[1]!.id]);
      });

      it('filters the catalogue by kind, partner, clinical area and Tele-X service', async () => {
        const { catalog } = store();
        const ids = async (filters: Parameters<typeof catalog.page>[0]['filters']) =>
          (await catalog.page({ filters, limit: 100 })).items.map((item) => item.id).filter((id) => approved.some((a) => a.id === id));
        const at = (...indexes: number[]) => indexes.map((i) => approved[i]!.id);
        expect(await ids({ kind: 'telex' })).toEqual(at(3, 2, 0));
        expect(await ids({ partner: 'niguarda' })).toEqual(at(3, 2));
        expect(await ids({ clinicalArea: 'oncology' })).toEqual(at(3, 2, 1));
        expect(await ids({ telexService: 'televisita', partner: 'niguarda' })).toEqual(at(3));
        const paged = await catalog.page({ filters: { clinicalArea: 'oncology' }, limit: 1 });
        expect(paged.items.map((item) => item.id)).toEqual(at(3));
        expect((await catalog.page({ filters: { clinicalArea: 'oncology' }, limit: 1, after: paged.next })).items.map((item) => item.id)).toEqual(at(2));
      });

      it('saves snapshots and pages their history newest first', async () => {
        const { metrics } = store();
        expect(await metrics.latest()).toBeUndefined();
        for (const [i, at] of ['2030-02-01T00:00:00.000Z', '2030-02-02T00:00:00.000Z', '2030-02-03T00:00:00.000Z'].entries()) await metrics.save(snapshotAt(at, i));
        const latest = await metrics.latest();
        expect(latest?.snapshot.generatedAt).toBe('2030-02-03T00:00:00.000Z');
        expect(latest?.etag).toMatch(/^"[\w-]{27}"$/);
        const page = await metrics.history(2);
        expect(page.items.map((s) => s.generatedAt)).toEqual(['2030-02-03T00:00:00.000Z', '2030-02-02T00:00:00.000Z']);
        const rest = await metrics.history(2, page.cursor);
        expect(rest.items.map((s) => s.generatedAt)).toEqual(['2030-02-01T00:00:00.000Z']);
        expect(rest.cursor).toBeUndefined();
      });
    });

    describe('personal data', () => {
      it('finds every item of a person through the byPerson index and erases each type in place', async () => {
        const { cases, reviews, contacts, people, outbox } = store();
        const submitter = `${unique('sub')}@example.org`;
        const reviewer = `${unique('rev')}@hub.example.org`;
        const draft = draftOf('2025-06-01T09:00:00.000Z', {}, { contact: { name: 'Carla Bianchi', email: submitter } });
        await committed(cases, draft);
        await cases.transition({ id: draft.id, from: 'submitted', to: 'in_review', expectedRevision: 1, actor: { type: 'reviewer', email: reviewer }, at: '2025-06-01T09:01:00.000Z', round: 1, attempt: 0 });
        const reviewId = `review${unique('x').replace(/-/g, '')}abcdefghij`;
        await reviews.createRequest({ caseId: draft.id, round: 1, attempt: 0, index: 0, reviewer, reviewId, expiresAt: '2025-06-02T09:00:00.000Z', createdAt: '2025-06-01T09:01:00.000Z', mailDueAt: '2025-06-01T09:01:00.000Z' });
        await reviews.recordDecision({ caseId: draft.id, round: 1, decision: 'approve', comment: 'bene', reviewer, at: '2025-06-01T10:00:00.000Z' });
        await contacts.remember('humanitas', submitter, '2025-06-01T09:00:00.000Z');

        const ofSubmitter = await people.itemsOf(submitter);
        expect(ofSubmitter.map((item) => item.type).sort()).toEqual(['case', 'confirmed-contact', 'version']);
        expect(ofSubmitter.find((item) => item.type === 'case')).toMatchObject({ contact: draft.data.contact, title: draft.data.title });
        const ofReviewer = await people.itemsOf(reviewer);
        // The decision's transition and the review request each have their event.
        expect(ofReviewer.map((item) => item.type).sort()).toEqual(['decision', 'event', 'event', 'review-request']);

        for (const item of [...ofSubmitter, ...ofReviewer]) await people.erase(item, '2025-07-01T00:00:00.000Z');
        expect(await people.itemsOf(submitter)).toEqual([]);
        expect(await people.itemsOf(reviewer)).toEqual([]);

        const erasedContact = { name: ERASED, email: ERASED };
        expect(await raw(keys.case(draft.id))).toMatchObject({ contact: erasedContact, personalDataErasedAt: '2025-07-01T00:00:00.000Z', title: draft.data.title });
        expect((await raw(keys.version(draft.id, 1)))?.data).toMatchObject({ contact: erasedContact, title: draft.data.title });
        expect((await raw(keys.event(draft.id, '2025-06-01T09:01:00.000Z', 1)))?.event).toMatchObject({ actor: { type: 'reviewer', email: ERASED }, to: 'in_review' });
        const requested = ofReviewer.find((item) => (item.event as { type?: string } | undefined)?.type === 'review-requested')!;
        expect((await raw({ pk: requested.pk, sk: requested.sk }))?.event).toMatchObject({ type: 'review-requested', asked: { email: ERASED, role: 'reviewer' }, actor: { type: 'system' } });
        const request = await raw(keys.reviewRequest(draft.id, 1, 0, 0));
        expect(request).toMatchObject({ reviewer: ERASED });
        expect(request?.payload).toBeUndefined();
        expect(request?.gsi2pk).toBeUndefined();
        expect((await outbox.due('2025-06-02T00:00:00.000Z', 1000)).some((e) => e.key.sk === request?.sk && e.caseId === draft.id)).toBe(false);
        expect(await raw(keys.decision(draft.id, 1))).toMatchObject({ reviewer: ERASED, decision: 'approve', comment: 'bene' });
        expect(await contacts.isConfirmed('humanitas', submitter)).toBe(false);
        expect(JSON.stringify(await people.caseItems(draft.id))).not.toContain(submitter);

        // An item deleted meanwhile is left deleted; an unknown type is refused.
        await people.erase({ pk: 'CASE#gone', sk: 'CASE', type: 'case' }, '2025-07-01T00:00:00.000Z');
        expect(await raw({ pk: 'CASE#gone', sk: 'CASE' })).toBeUndefined();
        await expect(people.erase({ pk: 'X', sk: 'Y', type: 'metrics' }, '2025-07-01T00:00:00.000Z')).rejects.toThrow(/no erasure rule/);
      });

      it('reads a person’s many items by key in batches, retrying what DynamoDB leaves unprocessed', async () => {
        const throttled = withUnprocessed(doc, TABLE, 3);
        const people = createPersonStore(withPagesOf(throttled.doc, 50), TABLE);
        const email = `${unique('many')}@example.org`;
        const items = Array.from({ length: 130 }, (_, i) => ({ ...keys.confirmedContact(`partner${i}`, email), ...keys.person(email), type: 'confirmed-contact', partner: `partner${i}`, confirmedAt: '2025-06-01T00:00:00.000Z' }));
        for (let start = 0; start < items.length; start += 25) {
          await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
        }
        const found = await people.itemsOf(email);
        expect(found).toHaveLength(130);
        expect(new Set(found.map((item) => item.pk)).size).toBe(130);
        expect(throttled.calls.get).toBeGreaterThan(2);
      });

      it('lists cases decided between two instants, bounds included as the purge needs, across pages', async () => {
        const { cases } = store();
        const people = createPersonStore(withPagesOf(doc, 2), TABLE);
        const ids: string[] = [];
        for (const minute of [0, 1, 2, 3]) {
          const draft = draftOf('2025-08-01T08:00:00.000Z', {});
          await committed(cases, draft);
          await cases.transition({ id: draft.id, from: 'submitted', to: 'rejected', expectedRevision: 1, actor: { type: 'system', name: 'test' }, at: `2025-08-01T09:0${minute}:00.000Z` });
          ids.push(draft.id);
        }
        expect(await people.decidedBetween('rejected', '2025-08-01T09:00:00.000Z', '2025-08-01T09:03:00.000Z')).toEqual(ids.slice(1));
        expect(await people.decidedBetween('rejected', '2025-08-01T08:59:59.000Z', '2025-08-01T09:01:00.000Z')).toEqual(ids.slice(0, 2));
        expect(await people.decidedBetween('approved', '2025-08-01T08:59:59.000Z', '2025-08-01T09:03:00.000Z')).toEqual([]);
        expect((await people.caseItems(ids[0]!)).map((item) => item.sk.split('#')[0]).sort()).toEqual(['CASE', 'EVENT', 'EVENT', 'VERSION']);
      });

      it('keeps the purge watermark', async () => {
        const { people } = store();
        await people.setWatermark('2025-08-01T00:00:00.000Z');
        expect(await people.watermark()).toBe('2025-08-01T00:00:00.000Z');
        await people.setWatermark('2025-09-01T00:00:00.000Z');
        expect(await people.watermark()).toBe('2025-09-01T00:00:00.000Z');
      });
    });

    describe('the query helpers', () => {
      it('reads a query to its last page, or stops once the items gathered suffice', async () => {
        const pk = unique('PAGES');
        for (let i = 0; i < 7; i++) await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: `ITEM#${i}`, n: i } }));
        const input = { TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Limit: 3, ReturnConsumedCapacity: 'TOTAL' as const };
        const all = await queryAll(doc, input);
        expect(all.items.map((item) => item.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect((await queryAll(doc, input, (items) => items.length >= 3)).items).toHaveLength(3);
      });

      it('reads keys in batches of 100 with a projection of reserved words, retrying unprocessed keys, and skips keys that hold nothing', async () => {
        const throttled = withUnprocessed(doc, TABLE, 4);
        const pk = unique('BATCH');
        const items = Array.from({ length: 120 }, (_, i) => ({ pk, sk: `ITEM#${String(i).padStart(3, '0')}`, status: `s${i}`, data: { i }, comment: 'kept out' }));
        for (let start = 0; start < items.length; start += 25) {
          await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
        }
        const wanted = [...items.map(({ pk, sk }) => ({ pk, sk })), { pk, sk: 'ITEM#none' }];
        const found = await batchGetAll(throttled.doc, TABLE, wanted, { projection: ['sk', 'status', 'data'], consistent: true });
        expect(found.sort((a, b) => String(a.sk).localeCompare(String(b.sk)))).toEqual(items.map(({ sk, status, data }) => ({ sk, status, data })));
        expect(throttled.calls.get).toBeGreaterThan(2);
      });
    });
  });
}
