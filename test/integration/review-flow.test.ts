import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { streamInProcess, type LocalStream } from '../../infra/local/stream';
import { sweepOutbox, type WorkflowPort } from '../../shared/app/effects';
import { NotFound } from '../../shared/core/errors';
import {
  amendCase as amendCaseNow,
  decide as decideNow,
  notifySubmitter as notifySubmitterNow,
  openAmendment,
  openReview,
  recordOutcome,
  requestChanges as requestChangesNow,
  requestReview as requestReviewNow,
  type ReviewDeps,
} from '../../shared/app/review-flow';
import { submitCase as submitCaseNow } from '../../shared/app/submit-case';
import { resubmitCase as resubmitCaseNow } from '../../shared/app/resubmit-case';
import type { MailMessage } from '../../shared/adapters/ses/mailer';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { bearerFor, domainDeps, type DomainDeps, thenStream } from '../support/domain';
import { validCase } from '../support/runtime';
import { statusLinkMatches } from '../../shared/core/ids';

let stream: LocalStream;
const submitCase = thenStream(() => stream, submitCaseNow);
const requestReview = thenStream(() => stream, requestReviewNow);
const decide = thenStream(() => stream, decideNow);
const amendCase = thenStream(() => stream, amendCaseNow);
const requestChanges = thenStream(() => stream, requestChangesNow);
const notifySubmitter = thenStream(() => stream, notifySubmitterNow);


let dynamo: DynamoEmulator;
let clock: Date;
const mails: MailMessage[] = [];
const delivered: { token: string; output: Record<string, unknown> }[] = [];
let workflowDown = false;

const workflow: WorkflowPort = {
  start: async () => undefined,
  async succeed(token, output) {
    if (workflowDown) throw Object.assign(new Error('Step Functions unavailable'), { name: 'ServiceUnavailable' });
    delivered.push({ token, output });
    return 'done';
  },
};

let deps: DomainDeps;

beforeAll(async () => {
  dynamo = await startDynamo('memory', 'review-flow');
  const doc = createDocumentClient(dynamo.endpoint);
  deps = domainDeps({
    doc,
    table: 'review-flow',
    mailer: { send: async (message) => { mails.push(message); return { messageId: String(mails.length) }; } },
    workflow,
    now: () => clock,
    reviewers: ['anna.bianchi@hub.example.org', 'luca.verdi@hub.example.org'],
    reviewWindowSeconds: 3600,
    amendWindowSeconds: 7200,
  });
  stream = streamInProcess(dynamo, 'review-flow', deps);

});
afterAll(async () => {
  await stream?.close();
  await dynamo?.close();
});
beforeEach(() => {
  clock = new Date('2026-03-02T10:00:00Z');
  mails.length = 0;
  delivered.length = 0;
  workflowDown = false;
});

const linkIn = (mail: MailMessage | undefined, pattern: RegExp) => {
  const found = mail?.text.match(pattern)?.[1];
  if (!found) throw new Error(`no link ${pattern} in mail`);
  return found;
};
const reviewIdIn = (mail: MailMessage | undefined) => linkIn(mail, /\/review\/([A-Za-z0-9_-]+)/);

/** A stored case in review round 1, with the reviewers' mails. */
async function caseInReview(overrides: Record<string, unknown> = {}) {
  const { id } = await submitCase(deps, { payload: validCase(overrides), lang: 'it', authorization: await bearerFor(deps) });
  mails.length = 0;
  await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: `token-${id}-r1` });
  const reviewerMails = [...mails];
  mails.length = 0;
  return { id, reviewerMails };
}

describe('RequestReview', () => {
  it('puts the case in review and mails each reviewer their own link, once', async () => {
    const { id, reviewerMails } = await caseInReview();
    expect((await deps.cases.get(id))?.status).toBe('in_review');
    expect(reviewerMails.map((m) => m.to[0]).sort()).toEqual(deps.reviewers.map((r) => r.email).sort());
    const [first, second] = reviewerMails.map(reviewIdIn);
    expect(first).not.toBe(second);
    expect(first?.length).toBeGreaterThanOrEqual(22); // 128 bits or more, base64url
    expect(reviewerMails[0]?.html).toContain('/review/');

    await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: 'a-retried-task-token' });
    expect(mails).toHaveLength(0);
    expect(await deps.reviews.taskToken(id, 'review', 1)).toBe('a-retried-task-token');
  });

  it('sends new links marked as a reminder on the next attempt', async () => {
    const { id } = await caseInReview();
    clock = new Date('2026-03-02T11:00:01Z');
    await requestReview(deps, { caseId: id, round: 1, attempt: 1, taskToken: 'reminder-token' });
    expect(mails).toHaveLength(2);
    expect(mails[0]?.subject).toMatch(/^Promemoria: .* Reminder: /);
  });
});

describe('a review link', () => {
  it('shows the case without changing anything, however often it is opened', async () => {
    const { id, reviewerMails } = await caseInReview();
    const before = await deps.cases.get(id);
    for (let i = 0; i < 5; i++) expect((await openReview(deps, reviewIdIn(reviewerMails[0]))).state).toBe('open');
    expect(await deps.cases.get(id)).toEqual(before);
    expect(await deps.reviews.decision(id, 1)).toBeUndefined();
  });

  it('opens nothing when forged or unknown', async () => {
    await expect(openReview(deps, 'A'.repeat(43))).rejects.toBeInstanceOf(NotFound);
    await expect(openReview(deps, '../../etc/passwd')).rejects.toBeInstanceOf(NotFound);
  });

  it('expires with the review window', async () => {
    const { reviewerMails } = await caseInReview();
    clock = new Date('2026-03-02T11:00:01Z');
    expect((await openReview(deps, reviewIdIn(reviewerMails[0]))).state).toBe('expired');
    expect((await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'approve' }, 'en')).state).toBe('expired');
  });
});

describe('deciding', () => {
  it('records an approval once and hands it to the workflow with the stored task token', async () => {
    const { id, reviewerMails } = await caseInReview();
    const result = await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'approve', comment: ' Ottimo. ' }, 'it');
    expect(result).toMatchObject({ state: 'recorded', decision: { decision: 'approve', comment: 'Ottimo.', round: 1 } });
    expect(delivered).toEqual([{ token: `token-${id}-r1`, output: { decision: 'approve', round: 1 } }]);
    const again = await decide(deps, reviewIdIn(reviewerMails[1]), { decision: 'reject', comment: 'No.' }, 'it');
    expect(again).toMatchObject({ state: 'decided', decision: { decision: 'approve', reviewer: reviewerMails[0]?.to[0] } });
    expect(delivered).toHaveLength(1);
  });

  it('gives exactly one decision and one task success to 50 concurrent posts', async () => {
    const { id, reviewerMails } = await caseInReview();
    const ids = reviewerMails.map(reviewIdIn);
    const choices = ['approve', 'reject', 'changes'] as const;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => decide(deps, ids[i % 2] ?? '', { decision: choices[i % 3], comment: `comment ${i}` }, 'en')),
    );
    expect(results.filter((r) => r.state === 'recorded')).toHaveLength(1);
    expect(results.filter((r) => r.state === 'decided')).toHaveLength(49);
    expect(delivered).toHaveLength(1);
    const stored = await deps.reviews.decision(id, 1);
    const winner = results.find((r) => r.state === 'recorded');
    expect(winner?.state === 'recorded' && winner.decision).toEqual(stored);
  });

  it('asks for a comment to reject or request changes, and records nothing without one', async () => {
    const { id, reviewerMails } = await caseInReview();
    const result = await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'reject', comment: '  ' }, 'en');
    expect(result.state).toBe('invalid');
    expect(result.state === 'invalid' && result.errors.map((e) => e.path)).toEqual(['comment']);
    expect((await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'maybe' }, 'en')).state).toBe('invalid');
    expect(await deps.reviews.decision(id, 1)).toBeUndefined();
  });

  it('keeps a decision made while Step Functions is down and delivers it from the outbox later', async () => {
    const { id, reviewerMails } = await caseInReview();
    workflowDown = true;
    expect((await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'approve' }, 'en')).state).toBe('recorded');
    expect(delivered).toHaveLength(0);
    workflowDown = false;
    clock = new Date('2026-03-02T10:01:00Z');
    await sweepOutbox(deps);
    expect(delivered).toEqual([{ token: `token-${id}-r1`, output: { decision: 'approve', round: 1 } }]);
    await sweepOutbox(deps);
    expect(delivered).toHaveLength(1);
  });
});

describe('outcomes', () => {
  it('records an approval with the reviewer and comment, and tells the submitter once', async () => {
    const { id, reviewerMails } = await caseInReview({ language: 'en' });
    await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'approve', comment: 'A model for the region.' }, 'en');
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'approved' });
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'approved' });
    const record = await deps.cases.get(id);
    expect(record?.status).toBe('approved');
    expect(record?.decidedAt).toBeDefined();
    const history = await deps.cases.history(id);
    expect(history.at(-1)).toMatchObject({ from: 'in_review', to: 'approved', actor: { type: 'reviewer', email: reviewerMails[0]?.to[0] }, note: 'A model for the region.' });
    await notifySubmitter(deps, { caseId: id, round: 1, outcome: 'approved' });
    await notifySubmitter(deps, { caseId: id, round: 1, outcome: 'approved' });
    expect(mails.map((m) => m.subject)).toEqual([`Case ${record?.reference} has been approved`]);
    expect(mails[0]?.text).toContain('A model for the region.');
    // The outcome mail carries a status link of its own, which opens the case beside the receipt's.
    const token = decodeURIComponent(linkIn(mails[0], new RegExp(`/cases/${id}\\?token=([^\\s&]+)`)));
    const now = await deps.cases.get(id);
    expect(statusLinkMatches(token, now!)).toBe(true);
    expect(statusLinkMatches(`${token}x`, now!)).toBe(false);
    expect(now?.statusLinkHashes).toHaveLength(1);
  });

  it('never turns a decided case into a failed one', async () => {
    const { id, reviewerMails } = await caseInReview();
    await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'reject', comment: 'Fuori ambito.' }, 'it');
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'rejected' });
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'failed', error: 'States.TaskFailed' });
    expect((await deps.cases.get(id))?.status).toBe('rejected');
  });

  it('marks a case failed when the workflow breaks before a decision', async () => {
    const { id } = await caseInReview();
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'failed', error: 'States.TaskFailed' });
    expect((await deps.cases.get(id))?.status).toBe('failed');
  });

  it('tells the submitter of a failure, whose mail keeps its promise: the case is sent again in one step, once, and reviewed', async () => {
    const { id } = await caseInReview({ language: 'en' });
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'failed', error: 'States.TaskFailed' });
    await notifySubmitter(deps, { caseId: id, round: 1, outcome: 'failed' });
    await notifySubmitter(deps, { caseId: id, round: 1, outcome: 'failed' });
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^Case HUB-\d{4}-\w{6} could not be reviewed$/)]);
    const token = decodeURIComponent(linkIn(mails[0], new RegExp(`/cases/${id}/resubmit\\?token=([^\\s&]+)`)));
    mails.length = 0;
    const sent = await thenStream(() => stream, resubmitCaseNow)(deps, id, token);
    expect(sent.state).toBe('created');
    if (sent.state !== 'created') return;
    // What the mail promised: a new reference, a new receipt, and the reviewers again.
    expect(sent.resent.reference).not.toBe(sent.record.reference);
    expect(mails.map((m) => m.subject)).toEqual([`We have received your case ${sent.resent.reference}`]);
    expect(await deps.cases.get(sent.resent.id)).toMatchObject({ status: 'submitted', resubmittedFrom: id });
    expect((await resubmitCaseNow(deps, id, token)).state).toBe('done');
  });

  it('sends no failure mail for a case decided before the workflow broke', async () => {
    const { id, reviewerMails } = await caseInReview();
    await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'approve' }, 'it');
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'approved' });
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'failed', error: 'States.TaskFailed' });
    await notifySubmitter(deps, { caseId: id, round: 1, outcome: 'failed' });
    expect(mails).toEqual([]);
  });
});

describe('changes requested, then amended', () => {
  it('sends the case back with an edit link, stores the amendment as version 2 and resumes the workflow', async () => {
    const { id, reviewerMails } = await caseInReview({ language: 'en' });
    await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'changes', comment: 'Please give the number of patients.' }, 'en');
    await requestChanges(deps, { caseId: id, round: 1, taskToken: `amend-${id}` });
    expect((await deps.cases.get(id))?.status).toBe('changes_requested');
    expect(mails[0]?.subject).toMatch(/^Changes requested for case HUB-/);
    expect(mails[0]?.text).toContain('Please give the number of patients.');
    const token = decodeURIComponent(linkIn(mails[0], /\/edit\?token=([^\s&]+)/));

    await expect(openAmendment(deps, id, 'wrong')).rejects.toBeInstanceOf(NotFound);
    const view = await openAmendment(deps, id, token);
    expect(view.state).toBe('open');

    const amended = validCase({ language: 'en', patientsImpacted: 4321, title: 'Televisit, amended' });
    const result = await amendCase(deps, id, token, amended, 'en');
    expect(result.state).toBe('amended');
    const record = await deps.cases.get(id);
    expect(record).toMatchObject({ dataVersion: 2, data: { patientsImpacted: 4321, title: 'Televisit, amended' } });
    expect((await deps.cases.versions(id)).map((v) => v.data.title)).toEqual(['Televisita per lo scompenso cardiaco', 'Televisit, amended']);
    expect(delivered.at(-1)).toEqual({ token: `amend-${id}`, output: { round: 1, dataVersion: 2 } });
    expect((await amendCase(deps, id, token, amended, 'en')).state).toBe('done');

    mails.length = 0;
    await requestReview(deps, { caseId: id, round: 2, attempt: 0, taskToken: `token-${id}-r2` });
    expect((await deps.cases.get(id))).toMatchObject({ status: 'in_review', reviewRound: 2 });
    expect(mails[0]?.text).toContain('Please give the number of patients.');
    expect((await openReview(deps, reviewIdIn(reviewerMails[0]))).state).toBe('decided');
  });

  it('shows from round 2 on what changed since the version before, reading that one version by its key, and only for the page', async () => {
    const { id, reviewerMails } = await caseInReview({ language: 'en' });
    const round1 = await openReview(deps, reviewIdIn(reviewerMails[0]));
    expect(round1.state === 'open' && round1.changes).toBeUndefined();
    await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'changes', comment: 'Please give the code of the other site.' }, 'en');
    await requestChanges(deps, { caseId: id, round: 1, taskToken: `amend-${id}` });
    const token = decodeURIComponent(linkIn(mails[0], /\/edit\?token=([^\s&]+)/));
    const first = (await deps.cases.get(id))!.data;
    const amended = validCase({ language: 'en', contact: { ...first.contact, email: first.contact.email, role: 'Direttore' }, facility: { name: 'Humanitas Gavazzeni', code: '030906' }, funding: [] });
    expect((await amendCase(deps, id, token, amended, 'en')).state).toBe('amended');
    mails.length = 0;
    await requestReview(deps, { caseId: id, round: 2, attempt: 0, taskToken: `token-${id}-r2` });
    const link = reviewIdIn(mails[0]);

    const version = vi.spyOn(deps.cases, 'version');
    const versions = vi.spyOn(deps.cases, 'versions');
    try {
      const view = await openReview(deps, link);
      expect(view.state).toBe('open');
      expect(view.state === 'open' && view.changes).toEqual({
        since: 1,
        fields: [
          { kind: 'changed', path: 'facility.name', before: 'Humanitas Research Hospital', after: 'Humanitas Gavazzeni' },
          { kind: 'changed', path: 'contact.role', before: 'Project manager', after: 'Direttore' },
          { kind: 'removed', path: 'funding', before: ['regional'] },
        ],
      });
      expect(version.mock.calls).toEqual([[id, 1]]);
      // A decision needs none of it; a form given back with its errors does.
      version.mockClear();
      expect((await decideNow(deps, link, { decision: 'reject' }, 'en')).state).toBe('invalid');
      expect(version).toHaveBeenCalledTimes(1);
      version.mockClear();
      expect((await decideNow(deps, link, { decision: 'approve' }, 'en')).state).toBe('recorded');
      expect(version).not.toHaveBeenCalled();
      expect(versions).not.toHaveBeenCalled();
    } finally {
      version.mockRestore();
      versions.mockRestore();
    }
  });

  it('says an unused edit link expired, not "already updated", once the window ran out and the workflow closed the case', async () => {
    const { id, reviewerMails } = await caseInReview({ language: 'en' });
    await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'changes', comment: 'Please give the number of patients.' }, 'en');
    await requestChanges(deps, { caseId: id, round: 1, taskToken: `amend-${id}` });
    const token = decodeURIComponent(linkIn(mails[0], /\/edit\?token=([^\s&]+)/));
    clock = new Date(clock.getTime() + 7200_000 + 1000);
    expect((await openAmendment(deps, id, token)).state).toBe('expired');
    // The workflow's timeout then closes the case: the link stays expired.
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'expired' });
    expect((await openAmendment(deps, id, token)).state).toBe('expired');
    expect((await amendCase(deps, id, token, validCase({ language: 'en' }), 'en')).state).toBe('expired');
  });

  it('refuses an amendment that is invalid or changes the partner, keeping version 1', async () => {
    const { id, reviewerMails } = await caseInReview();
    await decide(deps, reviewIdIn(reviewerMails[0]), { decision: 'changes', comment: 'Serve il codice struttura.' }, 'it');
    await requestChanges(deps, { caseId: id, round: 1, taskToken: 'amend-token' });
    const token = decodeURIComponent(linkIn(mails[0], /\/edit\?token=([^\s&]+)/));
    expect((await amendCase(deps, id, token, validCase({ title: 'x' }), 'it')).state).toBe('invalid');
    expect((await amendCase(deps, id, token, validCase({ partner: 'ieo' }), 'it')).state).toBe('invalid');
    expect((await deps.cases.get(id))?.dataVersion).toBe(1);
  });
});
