import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const REVIEWER = 'anna.bianchi@hub.example.org';
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '1', REMINDERS: '1', AMEND_WINDOW_SECONDS: '1' });
});
afterAll(async () => {
  await runtime?.close();
});

describe('a case nobody reviews', () => {
  it('reminds the reviewers with new links after the window, then expires and tells the submitter', async () => {
    const input = validCase({ language: 'en' });
    const email = (input.contact as { email: string }).email;
    const created = (await (
      await postCase(runtime, input)
    ).json()) as { reference: string; statusUrl: string };
    const forCase = () => runtime.mails().filter((mail) => mail.to.includes(REVIEWER) && mail.subject.includes(created.reference));

    const first = await waitFor('the review mail', () => forCase().find((mail) => !mail.subject.startsWith('Promemoria')));
    const reminder = await waitFor('the reminder', () => forCase().find((mail) => mail.subject.startsWith('Promemoria')));
    const linkOf = (text: string) => text.match(/(http:\/\/\S+\/review\/[A-Za-z0-9_-]+)/)?.[1] ?? '';
    expect(linkOf(reminder.text)).not.toBe(linkOf(first.text));
    expect((await fetch(linkOf(first.text))).status).toBe(410);

    const expired = await waitFor('the expiry mail', () => runtime.mails().find((mail) => mail.to.includes(email) && /expired without a decision/.test(mail.subject)));
    expect(expired.text).toContain(created.reference);
    // No reviewer decided: the mail says so, and that it is not the submitter's doing, with a status link.
    expect(expired.text).toContain("the Hub's reviewers did not decide");
    expect(expired.text).toContain('This is not down to you');
    expect(expired.text).toMatch(/\/cases\/[0-9A-Z]{26}\?token=/);
    const status = (await (await fetch(created.statusUrl, { headers: { accept: 'application/json' } })).json()) as {
      status: string;
      history: { to?: string }[];
    };
    expect(status.status).toBe('expired');
    expect(status.history.map((event) => event.to)).toEqual(['submitted', 'in_review', 'expired']);
    expect(forCase()).toHaveLength(2);
    const late = await fetch(linkOf(reminder.text), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(late.status).toBe(410);
  });
});
