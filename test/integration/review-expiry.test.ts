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

  it('sends an expired case again in one step from the expiry mail: once, as it stood, back to the reviewers', async () => {
    const input = validCase({ language: 'en', title: 'Telemonitoraggio scompenso «bis»' });
    const email = (input.contact as { email: string }).email;
    const created = (await (await postCase(runtime, input)).json()) as { id: string; reference: string; statusUrl: string };
    const expired = await waitFor('the expiry mail', () => runtime.mails().find((mail) => mail.to.includes(email) && mail.subject.includes(created.reference) && /expired/.test(mail.subject)));
    const link = expired.text.match(/(http:\/\/\S+\/cases\/[0-9A-Z]{26}\/resubmit\?token=\S+)/)?.[1] ?? '';
    expect(link, expired.text).not.toBe('');
    expect(expired.text).toContain('send it again as it is with the button below');
    // The mail's status link opens the same case's status too.
    const mailStatus = expired.text.match(/Case status: (\S+)/)?.[1] ?? '';
    expect((await fetch(mailStatus, { headers: { accept: 'application/json' } })).status).toBe(200);

    // GET and HEAD (mail scanners) show a button and change nothing.
    const cases = () => runtime.mails().filter((mail) => mail.to.includes(email) && /received your case/.test(mail.subject)).length;
    const receiptsBefore = cases();
    expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const page = await shown.text();
    expect(page).toContain('<form method="post"');
    expect(page).toContain('Telemonitoraggio scompenso «bis»');

    // A stranger without the secret, or with another case's, learns nothing.
    const forged = await fetch(link.split('?')[0]!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=forged' });
    expect(forged.status).toBe(404);
    expect((await fetch(link.replace(created.id, '0'.repeat(26)))).status).toBe(404);

    const token = new URL(link).searchParams.get('token') ?? '';
    const post = () =>
      fetch(link.split('?')[0]!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, lang: 'en' }) });
    const [first, second] = await Promise.all([post(), post()]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    const sent = await (first.status === 201 ? first : second).text();
    const reference = sent.match(/reference (HUB-\d{4}-[0-9A-Z]{6})/)?.[1] ?? '';
    expect(reference).not.toBe('');
    expect(reference).not.toBe(created.reference);
    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.text()).toContain(`already been sent again with reference ${reference}`);

    // One new case: its receipt and its review request, with the same data, no new confirmation.
    await waitFor('the new receipt', () => runtime.mails().find((mail) => mail.to.includes(email) && mail.subject.includes(reference)));
    await waitFor('the new review request', () => runtime.mails().find((mail) => mail.to.includes(REVIEWER) && mail.subject.includes(reference)));
    expect(cases()).toBe(receiptsBefore + 1);
    const statusLink = sent.match(/href="([^"]+\/cases\/[0-9A-Z]{26}\?token=[^"]+)"/)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const status = (await (await fetch(statusLink, { headers: { accept: 'application/json' } })).json()) as { reference: string; status: string };
    expect(status.reference).toBe(reference);
    expect(['submitted', 'in_review']).toContain(status.status);

    // The new case is not closed: its own status link does not send it again.
    const openCase = statusLink.replace(/\/cases\/([0-9A-Z]{26})\?/, '/cases/$1/resubmit?');
    expect((await fetch(openCase)).status).toBe(409);
  });
});
