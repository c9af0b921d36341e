import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { streamInProcess, type LocalStream } from '../../infra/local/stream';
import type { WorkflowPort } from '../../shared/app/effects';
import { erasePerson, exportPerson } from '../../shared/app/personal-data';
import {
  amendCase as amendCaseNow,
  decide as decideNow,
  recordOutcome,
  requestChanges as requestChangesNow,
  requestReview as requestReviewNow,
} from '../../shared/app/review-flow';
import { submitCase as submitCaseNow } from '../../shared/app/submit-case';
import type { MailMessage } from '../../shared/adapters/ses/mailer';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPersonStore, ERASED, type PersonStore } from '../../shared/adapters/dynamodb/person-store';
import { historyForHolder } from '../../shared/core/case-record';
import { bearerFor, domainDeps, type DomainDeps, thenStream } from '../support/domain';
import { validCase } from '../support/runtime';

let stream: LocalStream;
const submitCase = thenStream(() => stream, submitCaseNow);
const requestReview = thenStream(() => stream, requestReviewNow);
const decide = thenStream(() => stream, decideNow);
const amendCase = thenStream(() => stream, amendCaseNow);
const requestChanges = thenStream(() => stream, requestChangesNow);

/** Of Humanitas, for cardiology: never asked about Humanitas's cases. */
const ANNA = 'anna.bianchi@hub.example.org';
/** Of Maugeri, every area. */
const LUCA = 'luca.verdi@hub.example.org';
/** Of no partner, oncology only. */
const SARA = 'sara.neri@hub.example.org';
const OWN_COORDINATOR = 'giulia.coordina@hub.example.org';
const COORDINATOR = 'coordinamento@hub.example.org';

let dynamo: DynamoEmulator;
let deps: DomainDeps;
let people: PersonStore;
let clock = new Date('2026-03-02T10:00:00Z');
const mails: MailMessage[] = [];

beforeAll(async () => {
  dynamo = await startDynamo('memory', 'routing');
  const doc = createDocumentClient(dynamo.endpoint);
  const workflow: WorkflowPort = { start: async () => undefined, succeed: async () => 'done' };
  deps = domainDeps({
    doc,
    table: 'routing',
    mailer: { send: async (m) => { mails.push(m); return { messageId: String(mails.length) }; } },
    workflow,
    now: () => clock,
    reviewers: [
      { email: ANNA, organisation: 'humanitas', areas: ['cardiology'] },
      { email: LUCA, organisation: 'maugeri' },
      { email: SARA, areas: ['oncology'] },
    ],
    coordinators: [{ email: OWN_COORDINATOR, organisation: 'humanitas' }, { email: COORDINATOR }],
  });
  stream = streamInProcess(dynamo, 'routing', deps);
  people = createPersonStore(doc, 'routing');
});
afterAll(async () => {
  await stream?.close();
  await dynamo?.close();
});
beforeEach(() => {
  mails.length = 0;
});

const mailedTo = (reference: string) => mails.filter((m) => m.subject.includes(reference)).map((m) => m.to[0]);
const reviewIdIn = (mail: MailMessage | undefined) => mail?.text.match(/\/review\/([A-Za-z0-9_-]+)/)?.[1] ?? '';

async function submitted(partner: string, overrides: Record<string, unknown> = {}) {
  const { id, reference } = await submitCase(deps, { payload: validCase({ partner, language: 'en', ...overrides }), lang: 'en', authorization: await bearerFor(deps, partner) });
  mails.length = 0;
  return { id, reference };
}

describe('who is asked to review a case', () => {
  it('a Humanitas case: never Humanitas’s reviewer or coordinator, in the first request, the reminder, the escalation or the next round', async () => {
    const { id, reference } = await submitted('humanitas', { clinicalAreas: ['cardiology'] });
    await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: 't1' });
    expect(mailedTo(reference)).toEqual([LUCA]);
    await requestReview(deps, { caseId: id, round: 1, attempt: 1, taskToken: 't2' });
    await requestReview(deps, { caseId: id, round: 1, attempt: 2, escalation: true, taskToken: 't3' });
    expect(mailedTo(reference)).toEqual([LUCA, LUCA, COORDINATOR]);
    expect(mails.at(-1)?.subject).toMatch(/^Escalation: /);

    // The coordinator sends it back; the amended case's new round goes to the reviewers again, never to Humanitas's.
    await decide(deps, reviewIdIn(mails.at(-1)), { decision: 'changes', comment: 'Please give the number of patients.' }, 'en');
    await requestChanges(deps, { caseId: id, round: 1, taskToken: 'a1' });
    const editToken = decodeURIComponent(mails.at(-1)?.text.match(/\/edit\?token=([^\s&]+)/)?.[1] ?? '');
    const first = (await deps.cases.get(id))!.data;
    expect((await amendCase(deps, id, editToken, { ...first, patientsImpacted: 640 }, 'en')).state).toBe('amended');
    mails.length = 0;
    await requestReview(deps, { caseId: id, round: 2, attempt: 0, taskToken: 't4' });
    expect(mailedTo(reference)).toEqual([LUCA]);
  });

  it('a Maugeri oncology case: the oncology reviewer and none of Maugeri', async () => {
    const { id, reference } = await submitted('maugeri', { clinicalAreas: ['oncology'], facility: { name: 'ICS Maugeri Pavia' } });
    await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: 'm1' });
    expect(mailedTo(reference)).toEqual([SARA]);
  });

  it('no reviewer left: the coordinators (a Maugeri case of an area only Maugeri’s reviewer covers)', async () => {
    const { id, reference } = await submitted('maugeri', { clinicalAreas: ['geriatrics'], facility: { name: 'ICS Maugeri Milano' } });
    await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: 'g1' });
    expect(mailedTo(reference)).toEqual([OWN_COORDINATOR, COORDINATOR]);
    expect(mails.every((m) => /da revisionare/.test(m.subject))).toBe(true);
  });
});

describe('the audit trail of a review', () => {
  it('names everyone asked, in which round and why, and who decided, while the submitter’s history only counts them', async () => {
    const { id } = await submitted('humanitas', { clinicalAreas: ['cardiology', 'oncology'] });
    await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: 'r1' });
    await requestReview(deps, { caseId: id, round: 1, attempt: 1, escalation: true, taskToken: 'r2' });
    // A retried task writes no second event.
    await requestReview(deps, { caseId: id, round: 1, attempt: 1, escalation: true, taskToken: 'r2-retried' });
    await decide(deps, reviewIdIn(mails.find((m) => m.to[0] === COORDINATOR)), { decision: 'approve' }, 'en');
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'approved' });

    const history = await deps.cases.history(id);
    expect(history.filter((e) => e.type === 'review-requested').map(({ asked, round, attempt, reason }) => ({ asked, round, attempt, reason }))).toEqual([
      { asked: { email: LUCA, role: 'reviewer', organisation: 'maugeri' }, round: 1, attempt: 0, reason: 'review' },
      { asked: { email: SARA, role: 'reviewer' }, round: 1, attempt: 0, reason: 'review' },
      { asked: { email: COORDINATOR, role: 'coordinator' }, round: 1, attempt: 1, reason: 'escalation' },
    ]);
    expect(history.at(-1)).toMatchObject({ type: 'status-changed', to: 'approved', actor: { type: 'reviewer', email: COORDINATOR, role: 'coordinator' } });

    const forHolder = historyForHolder(history).filter((e) => e.type === 'review-requested');
    expect(forHolder).toEqual([
      expect.objectContaining({ round: 1, attempt: 0, reason: 'review', reviewers: 2, coordinators: 0 }),
      expect.objectContaining({ round: 1, attempt: 1, reason: 'escalation', reviewers: 0, coordinators: 1 }),
    ]);
    expect(JSON.stringify(forHolder)).not.toContain('@');
  });

  it('is part of a reviewer’s export, and their erasure leaves the events with the address erased and out of the byPerson index', async () => {
    const { id } = await submitted('ieo', { clinicalAreas: ['oncology'], facility: { name: 'IEO Milano' } });
    await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: 'e1' });
    const exported = await exportPerson(people, SARA);
    expect(exported.items.some((item) => item.type === 'event' && (item.event as { asked?: { email: string } }).asked?.email === SARA)).toBe(true);
    expect(exported.touched.event).toBeGreaterThanOrEqual(1);

    await erasePerson(people, SARA, clock);
    const events = (await deps.cases.history(id)).filter((e) => e.type === 'review-requested');
    expect(events.map((e) => e.asked?.email).sort()).toEqual([ERASED, LUCA].sort());
    expect(events.find((e) => e.asked?.email === ERASED)).toMatchObject({ asked: { role: 'reviewer' }, reason: 'review', actor: { type: 'system' } });
    expect((await exportPerson(people, SARA)).items).toEqual([]);
    // Luca's events are his, untouched.
    expect((await exportPerson(people, LUCA)).items.some((item) => item.type === 'event')).toBe(true);
  });
});
