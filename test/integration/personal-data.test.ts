import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { streamInProcess, type LocalStream } from '../../infra/local/stream';
import type { WorkflowPort } from '../../shared/app/effects';
import { erasePerson, exportPerson, purgeExpiredPersonalData } from '../../shared/app/personal-data';
import { decide as decideNow, recordOutcome, requestReview as requestReviewNow, type ReviewDeps } from '../../shared/app/review-flow';
import { submitCase as submitCaseNow, type SubmitDeps } from '../../shared/app/submit-case';
import type { MailMessage } from '../../shared/adapters/ses/mailer';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPersonStore, ERASED, type PersonStore } from '../../shared/adapters/dynamodb/person-store';
import { bearerFor, domainDeps, type DomainDeps, thenStream } from '../support/domain';
import { validCase } from '../support/runtime';

let stream: LocalStream;
const submitCase = thenStream(() => stream, submitCaseNow);
const requestReview = thenStream(() => stream, requestReviewNow);
const decide = thenStream(() => stream, decideNow);


let dynamo: DynamoEmulator;
let deps: DomainDeps;
let people: PersonStore;
let clock = new Date('2024-01-10T10:00:00Z');
const mails: MailMessage[] = [];
const REVIEWER = 'giulia.neri@hub.example.org';

beforeAll(async () => {
  dynamo = await startDynamo('memory', 'people');
  const doc = createDocumentClient(dynamo.endpoint);
  const workflow: WorkflowPort = { start: async () => undefined, succeed: async () => 'done' };
  deps = domainDeps({
    doc,
    table: 'people',
    mailer: { send: async (m) => { mails.push(m); return { messageId: String(mails.length) }; } },
    workflow,
    now: () => clock,
    reviewers: [REVIEWER],
  });
  stream = streamInProcess(dynamo, 'people', deps);

  people = createPersonStore(doc, 'people');
});
afterAll(async () => {
  await stream?.close();
  await dynamo?.close();
});

/** A case submitted by `email` and approved by the reviewer. */
async function approvedCaseOf(email: string, name = 'Chiara Esposito') {
  const { id, reference } = await submitCase(deps, { payload: validCase({ contact: { name, email, role: 'Direttrice sanitaria' } }), lang: 'it', authorization: await bearerFor(deps) });
  await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: `t-${id}` });
  const link = mails.find((m) => m.to.includes(REVIEWER) && m.subject.includes(reference))?.text.match(/\/review\/([\w-]+)/)?.[1] ?? '';
  await decide(deps, link, { decision: 'approve' }, 'it');
  await recordOutcome(deps, { caseId: id, round: 1, outcome: 'approved' });
  return id;
}

const serialised = async (caseId: string) => JSON.stringify([await deps.cases.get(caseId), await deps.cases.versions(caseId), await people.caseItems(caseId)]);

describe('a person’s right of access and erasure', () => {
  it('exports everything held about a submitter, without link secrets', async () => {
    const email = 'chiara.esposito@example.org';
    const id = await approvedCaseOf(email);
    const exported = await exportPerson(people, email);
    expect(exported.touched).toEqual({ case: 1, version: 1 });
    const text = JSON.stringify(exported);
    expect(text).toContain(id);
    expect(text).toContain('Chiara Esposito');
    expect(text).not.toMatch(/statusTokenHash|reviewIdHash|gsi3pk/);
  });

  it('erases a submitter from the case and every version, keeping the case itself, and says what it touched', async () => {
    const email = 'marco.gallo@example.org';
    const id = await approvedCaseOf(email, 'Marco Gallo');
    const { touched, cases } = await erasePerson(people, email, clock);
    expect(touched).toEqual({ case: 1, version: 1 });
    expect(cases).toEqual([id]);
    const text = await serialised(id);
    expect(text).not.toContain(email);
    expect(text).not.toContain('Marco Gallo');
    expect((await deps.cases.get(id))).toMatchObject({ status: 'approved', data: { contact: { name: ERASED, email: ERASED } } });
    expect((await erasePerson(people, email, clock)).touched).toEqual({});
    expect((await exportPerson(people, email)).items).toEqual([]);
  });

  it('erases a reviewer from requests, decisions and history', async () => {
    const id = await approvedCaseOf('anna.rota@example.org');
    const { touched } = await erasePerson(people, REVIEWER, clock);
    expect(touched).toMatchObject({ decision: expect.any(Number), 'review-request': expect.any(Number), event: expect.any(Number) });
    expect(await serialised(id)).not.toContain(REVIEWER);
    expect((await deps.reviews.decision(id, 1))?.reviewer).toBe(ERASED);
  });
});

describe('retention', () => {
  it('erases contact data of cases decided before the retention period, once, and leaves newer ones', async () => {
    clock = new Date('2025-01-10T10:00:00Z');
    const old = await approvedCaseOf('vecchio.caso@example.org', 'Paolo Vecchi');
    clock = new Date('2026-06-01T10:00:00Z');
    const recent = await approvedCaseOf('nuovo.caso@example.org', 'Sara Nuovi');
    const now = new Date('2026-07-01T00:00:00Z');
    const first = await purgeExpiredPersonalData(people, 365, now);
    expect(first.cases).toBeGreaterThanOrEqual(1);
    expect(await serialised(old)).not.toContain('Paolo Vecchi');
    expect(await serialised(recent)).toContain('Sara Nuovi');
    const second = await purgeExpiredPersonalData(people, 365, now);
    expect(second).toMatchObject({ cases: 0, items: 0 });
  });

  it('erases the contact data of a case the workflow failed, as of a decided one', async () => {
    // After the earlier run's watermark (mid 2025), before this run's.
    clock = new Date('2025-08-01T10:00:00Z');
    const { id } = await submitCase(deps, { payload: validCase({ contact: { name: 'Irene Guasti', email: 'irene.guasti@example.org', role: 'CIO' } }), lang: 'it', authorization: await bearerFor(deps) });
    await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: `t-${id}` });
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'failed', error: 'States.TaskFailed' });
    expect((await deps.cases.get(id))?.status).toBe('failed');
    await purgeExpiredPersonalData(people, 365, new Date('2026-09-01T00:00:00Z'));
    expect(await serialised(id)).not.toContain('Irene Guasti');
  });
});
