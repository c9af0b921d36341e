import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMail } from '../../infra/local/emulators';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

/** Reviews the case's partner's cases: a case from Humanitas must never reach them. */
const OWN_REVIEWER = 'anna.bianchi@hub.example.org';
const REVIEWER = 'luca.verdi@hub.example.org';
/** A coordinator of the submitting partner, and the Hub's own. */
const OWN_COORDINATOR = 'giulia.coordina@hub.example.org';
const COORDINATOR = 'coordinamento@hub.example.org';
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime({
    REVIEWERS: JSON.stringify([
      { email: OWN_REVIEWER, organisation: 'humanitas', areas: ['cardiology'] },
      { email: REVIEWER, organisation: 'maugeri' },
      { email: 'sara.neri@hub.example.org', areas: ['oncology'] },
    ]),
    COORDINATORS: JSON.stringify([{ email: OWN_COORDINATOR, organisation: 'humanitas' }, { email: COORDINATOR }]),
    REVIEW_WINDOW_SECONDS: '1',
    REMINDERS: '1',
    ESCALATION_WINDOW_SECONDS: '3',
    AMEND_WINDOW_SECONDS: '1',
  });
});
afterAll(async () => {
  await runtime?.close();
});

const linkOf = (text: string) => text.match(/(http:\/\/\S+\/review\/[A-Za-z0-9_-]+)/)?.[1] ?? '';
const forCase = (to: string, reference: string) => runtime.mails().filter((mail) => mail.to.includes(to) && mail.subject.includes(reference));
const escalationOf = (reference: string) =>
  waitFor('the escalation mail', () => forCase(COORDINATOR, reference).find((mail) => mail.subject.startsWith('Escalation')));

interface Status {
  status: string;
  history: { type: string; to?: string; actor: string; role?: string; reason?: string; round?: number; asked?: { reviewers: number; coordinators: number } }[];
}
const statusOf = async (statusUrl: string) => (await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as Status;

describe('a case nobody reviews', () => {
  it('reminds the reviewers with new links after the window, escalates to the coordinators, then expires and tells the submitter', async () => {
    const input = validCase({ language: 'en' });
    const email = (input.contact as { email: string }).email;
    const created = (await (
      await postCase(runtime, input)
    ).json()) as { reference: string; statusUrl: string };

    const first = await waitFor('the review mail', () => forCase(REVIEWER, created.reference).find((mail) => !mail.subject.startsWith('Promemoria')));
    const reminder = await waitFor('the reminder', () => forCase(REVIEWER, created.reference).find((mail) => mail.subject.startsWith('Promemoria')));
    expect(linkOf(reminder.text)).not.toBe(linkOf(first.text));
    expect((await fetch(linkOf(first.text))).status).toBe(410);

    // After the last reminder, the Hub's coordinator is asked with a link of their own and the case's deadline.
    const escalation = await escalationOf(created.reference);
    expect(escalation.subject).toBe(`Escalation: caso ${created.reference} senza decisione / Escalation: case ${created.reference} has no decision`);
    expect(escalation.text).toContain('no reviewer decided');
    expect(escalation.text).toContain('Nessun revisore ha deciso');
    expect(escalation.text).toMatch(/Scadenza \/ Deadline: .+ \/ .+/);
    expect(linkOf(escalation.text)).not.toBe(linkOf(reminder.text));

    const expired = await waitFor('the expiry mail', () => runtime.mails().find((mail) => mail.to.includes(email) && /expired without a decision/.test(mail.subject)));
    // The escalation came before the expiry (the mailbox is newest first).
    const order = runtime.mails();
    const position = (mail: LocalMail) => order.findIndex((m) => m.messageId === mail.messageId);
    expect(position(escalation)).toBeGreaterThan(position(expired));
    expect(position(expired)).toBeGreaterThanOrEqual(0);
    expect(expired.text).toContain(created.reference);
    // No reviewer decided: the mail says so, and that it is not the submitter's doing, with a status link.
    expect(expired.text).toContain("the Hub's reviewers did not decide");
    expect(expired.text).toContain('This is not down to you');
    expect(expired.text).toMatch(/\/cases\/[0-9A-Z]{26}\?token=/);
    const status = await statusOf(created.statusUrl);
    expect(status.status).toBe('expired');
    expect(status.history.filter((event) => event.type !== 'review-requested').map((event) => event.to)).toEqual(['submitted', 'in_review', 'expired']);
    // The history tells whom the case was sent to, counted, never by address.
    expect(status.history.filter((event) => event.type === 'review-requested').map(({ reason, round, asked }) => ({ reason, round, asked }))).toEqual([
      { reason: 'review', round: 1, asked: { reviewers: 1, coordinators: 0 } },
      { reason: 'reminder', round: 1, asked: { reviewers: 1, coordinators: 0 } },
      { reason: 'escalation', round: 1, asked: { reviewers: 0, coordinators: 1 } },
    ]);
    const page = await (await fetch(created.statusUrl, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Review requested from 1 reviewer (round 1)');
    expect(page).toContain('No decision in time: case escalated to 1 coordinator of the Hub');
    expect(JSON.stringify(status) + page).not.toContain('@hub.example.org');

    expect(forCase(REVIEWER, created.reference)).toHaveLength(2);
    expect(forCase(COORDINATOR, created.reference)).toHaveLength(1);
    // The submitting partner's own reviewer and coordinator were never asked: not at first, not in the reminder, not in the escalation.
    expect(forCase(OWN_REVIEWER, created.reference)).toEqual([]);
    expect(forCase(OWN_COORDINATOR, created.reference)).toEqual([]);
    for (const mail of [reminder, escalation]) {
      const late = await fetch(linkOf(mail.text), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'decision=approve',
      });
      expect(late.status).toBe(410);
    }
  });

  it('lets a coordinator decide the escalated case before it expires, and the history says a coordinator decided', async () => {
    const input = validCase({ language: 'en', title: 'Teleriabilitazione cardiologica' });
    const created = (await (await postCase(runtime, input)).json()) as { reference: string; statusUrl: string };
    const escalation: LocalMail = await escalationOf(created.reference);
    const decided = await fetch(`${linkOf(escalation.text)}?lang=en`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ decision: 'approve' }),
    });
    expect(decided.status).toBe(200);
    const status = await waitFor('the approval', async () => {
      const current = await statusOf(created.statusUrl);
      return current.status === 'approved' && current;
    });
    expect(status.history.at(-1)).toMatchObject({ type: 'status-changed', to: 'approved', actor: 'reviewer', role: 'coordinator' });
    const page = await (await fetch(created.statusUrl, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Hub coordinator');
    expect(forCase(OWN_REVIEWER, created.reference)).toEqual([]);
    expect(forCase(OWN_COORDINATOR, created.reference)).toEqual([]);
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
    // Sent again, the case still never reaches its partner's own reviewer.
    expect(forCase(OWN_REVIEWER, reference)).toEqual([]);
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
