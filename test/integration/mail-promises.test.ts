import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

/**
 * Each mail a submitter gets says what happens next: these follow a case to each decided state
 * and check that the workflow then does what the mails said (the changes-requested and expiry
 * promises are followed in review-e2e and review-expiry, the failure in review-flow).
 */
const REVIEWER = 'anna.bianchi@hub.example.org';
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600' });
});
afterAll(async () => {
  await runtime?.close();
});

const json = async <T>(url: string) => (await (await fetch(url, { headers: { accept: 'application/json' } })).json()) as T;
const catalogued = async (reference: string) => {
  const { items } = await json<{ items: { reference: string }[] }>(`${runtime.url}/catalog?pageSize=100`);
  return items.some((item) => item.reference === reference);
};

async function decided(decision: Record<string, string>, title: string) {
  const input = validCase({ language: 'en', title });
  const email = (input.contact as { email: string }).email;
  const created = (await (await postCase(runtime, input)).json()) as { reference: string; statusUrl: string };
  const receipt = await waitFor('the receipt', () => runtime.mails().find((m) => m.to.includes(email) && m.subject === `We have received your case ${created.reference}`));
  // The receipt promises a review and a message with the outcome.
  expect(receipt.text).toContain("The Hub's reviewers will look at it and you will get a message with the outcome.");
  const review = await waitFor('the review mail', () => runtime.mails().find((m) => m.to.includes(REVIEWER) && m.subject.includes(created.reference)));
  const link = review.text.match(/(http:\/\/\S+\/review\/[A-Za-z0-9_-]+)/)?.[1] ?? '';
  const answer = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(decision) });
  expect(answer.status).toBe(200);
  const outcome = await waitFor('the outcome mail', () => runtime.mails().find((m) => m.to.includes(email) && m.subject.startsWith(`Case ${created.reference} `)));
  const statusLink = outcome.text.match(/Case status:\n(\S+)/)?.[1] ?? '';
  return { created, outcome, statusLink, mailsTo: () => runtime.mails().filter((m) => m.to.includes(email)) };
}

describe('what the mails promise, and what then happens', () => {
  it('approved: “part of the map”, and the case is in the public catalogue, its status link says approved, no further mail', async () => {
    const { created, outcome, statusLink, mailsTo } = await decided({ decision: 'approve' }, 'Televisita cardiologica promessa');
    expect(outcome.subject).toBe(`Case ${created.reference} has been approved`);
    expect(outcome.text).toContain("will be part of the map of Lombardy's digital health");
    expect(outcome.text).not.toContain('/resubmit');
    expect(await catalogued(created.reference)).toBe(true);
    expect((await json<{ status: string }>(statusLink)).status).toBe('approved');
    await runtime.streamIdle();
    expect(mailsTo().map((m) => m.subject)).toEqual([outcome.subject, `We have received your case ${created.reference}`]);
  });

  it('rejected: the reviewers’ comment quoted, the case kept out of the catalogue, its status link says rejected', async () => {
    const { created, outcome, statusLink, mailsTo } = await decided({ decision: 'reject', comment: 'Outside the Hub’s scope.' }, 'Caso fuori ambito promesso');
    expect(outcome.subject).toBe(`Case ${created.reference} was not accepted`);
    expect(outcome.text).toContain("The reviewers' comment: “Outside the Hub’s scope.”");
    expect(outcome.text).not.toContain('/resubmit');
    expect(await catalogued(created.reference)).toBe(false);
    const status = await json<{ status: string; history: { to?: string; type: string }[] }>(statusLink);
    expect(status.status).toBe('rejected');
    expect(status.history.map((event) => event.to ?? event.type)).toEqual(['submitted', 'in_review', 'review-requested', 'rejected']);
    // The link of a decided case cannot send it again.
    expect((await fetch(statusLink.replace(/\/cases\/([0-9A-Z]{26})\?/, '/cases/$1/resubmit?'))).status).toBe(409);
    await runtime.streamIdle();
    expect(mailsTo()).toHaveLength(2);
  });
});
