import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, postForm, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

/**
 * A person who uses the Hub's form (no partner key) confirms the address once before any reviewer
 * sees the case: the Hub never mails reviewers, nor sends more than a few mails a day, on the word
 * of a stranger.
 */
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

const unique = () => Math.random().toString(36).slice(2, 10);
const contact = (local = `ada.${unique()}`) => ({ name: 'Ada Rossi', email: `${local}@humanitas.it`, role: 'Referente' });
const mailsTo = (address: string) => runtime.mails().filter((mail) => mail.to.includes(address));
const reviewerMails = (reference: string) => runtime.mails().filter((mail) => mail.subject.includes(reference) && /revisionare/.test(mail.subject));

async function statusOf(statusUrl: string) {
  const response = await fetch(statusUrl, { headers: { accept: 'application/json' } });
  return (await response.json()) as { status: string; reference: string; awaitingConfirmation?: true; history: { type: string; to?: string }[] };
}

/** Submits through the form and follows the 303 to the thank-you page; returns the case's links. */
async function submitThroughForm(person = contact(), overrides: Record<string, unknown> = {}) {
  const response = await postForm(runtime, { ...validCase({ contact: person, ...overrides }) });
  expect(response.status).toBe(303);
  const location = response.headers.get('location') ?? '';
  const statusUrl = location.replace(/&lang=.*$/, '');
  const status = await statusOf(statusUrl);
  return { statusUrl, reference: status.reference, person, thanks: location };
}

function confirmLink(email: string): string {
  const mail = mailsTo(email).find((m) => /Conferm/.test(m.subject));
  const link = mail?.text.match(/https?:\/\/\S+\/confirm\?token=\S+/)?.[0];
  if (!link) throw new Error(`no confirmation link mailed to ${email}`);
  return link;
}

describe('a case sent through the Hub’s form', () => {
  it('waits for the contact to confirm the address: one mail to the contact, none to reviewers', async () => {
    const { statusUrl, reference, person, thanks } = await submitThroughForm();
    expect(await statusOf(statusUrl)).toMatchObject({ status: 'submitted', awaitingConfirmation: true });
    const mails = mailsTo(person.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe(`Confermate il vostro indirizzo per il caso ${reference}`);
    expect(mails[0]?.text).toContain('/confirm?token=');
    expect(mails[0]?.text).toContain(statusUrl);
    expect(reviewerMails(reference)).toHaveLength(0);
    // The thank-you page says what happens next.
    const page = await (await fetch(thanks, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('confermare');
  });

  it('shows a button on GET and HEAD and changes nothing, however often the link is opened', async () => {
    const { statusUrl, person } = await submitThroughForm();
    const link = confirmLink(person.email);
    for (let i = 0; i < 3; i++) {
      const page = await fetch(link, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<form method="post" action="\/cases\/[0-9A-Z]{26}\/confirm">/);
      expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    }
    expect((await statusOf(statusUrl)).status).toBe('submitted');
  });

  it('goes to the reviewers once confirmed by POST, and a second confirmation changes nothing', async () => {
    const { statusUrl, reference, person } = await submitThroughForm();
    const link = new URL(confirmLink(person.email));
    const token = link.searchParams.get('token') ?? '';
    const post = () =>
      fetch(`${link.origin}${link.pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ token, lang: 'en' }),
      });
    const first = await post();
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Address confirmed');
    await waitFor('the case in review', async () => (await statusOf(statusUrl)).status === 'in_review');
    await waitFor('two review mails', () => reviewerMails(reference).length === 2);
    const second = await post();
    expect(second.status).toBe(200);
    const history = (await statusOf(statusUrl)).history;
    expect(history.filter((event) => event.type === 'contact-confirmed')).toHaveLength(1);
    expect(history.filter((event) => event.to === 'in_review')).toHaveLength(1);
    expect(reviewerMails(reference)).toHaveLength(2);
  });

  it('remembers a confirmed address for the partner: the next case goes straight to review with a receipt', async () => {
    const person = contact();
    const first = await submitThroughForm(person);
    const link = new URL(confirmLink(person.email));
    await fetch(`${link.origin}${link.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: link.searchParams.get('token') ?? '' }) });
    await waitFor('the first case in review', async () => (await statusOf(first.statusUrl)).status === 'in_review');
    const second = await submitThroughForm(person, { title: 'Telemonitoraggio della BPCO a domicilio' });
    await waitFor('the second case in review', async () => (await statusOf(second.statusUrl)).status === 'in_review');
    const mails = mailsTo(person.email).filter((mail) => mail.subject.includes(second.reference));
    expect(mails.map((mail) => mail.subject)).toEqual([`Abbiamo ricevuto il vostro caso ${second.reference}`]);
  });

  it('answers a forged or missing confirmation token with the 404 of a case that does not exist', async () => {
    const { person } = await submitThroughForm();
    const link = new URL(confirmLink(person.email));
    const forged = `${link.origin}${link.pathname}?token=${'A'.repeat(43)}`;
    expect((await fetch(forged)).status).toBe(404);
    expect((await fetch(`${link.origin}${link.pathname}`)).status).toBe(404);
    const posted = await fetch(`${link.origin}${link.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=nope' });
    expect(posted.status).toBe(404);
    expect((await fetch(`${link.origin}/cases/01J0000000000000000000000A/confirm?token=${link.searchParams.get('token')}`)).status).toBe(404);
  });

  it('sends no more than three confirmation mails a day to one address', async () => {
    const person = contact();
    const references: string[] = [];
    for (let i = 0; i < 5; i++) references.push((await submitThroughForm(person, { title: `Caso numero ${i + 1} dal modulo` })).reference);
    await waitFor('three confirmation mails', () => mailsTo(person.email).length >= 3);
    // Mails go out inline, before each 303: by now every one that was going to be sent is in the mailbox.
    expect(mailsTo(person.email)).toHaveLength(3);
  });

  it('counts tagged addresses (name+tag@domain, one mailbox) under the same cap: still three confirmation mails a day', async () => {
    const local = `ada.${unique()}`;
    const tagged = Array.from({ length: 5 }, (_, i) => contact(`${local}+${i}`));
    for (const person of tagged) await submitThroughForm(person);
    // Upper case reaches the same mailbox too.
    await submitThroughForm(contact(local.toUpperCase()));
    const mailed = () => runtime.mails().filter((mail) => mail.to.some((to) => to.toLowerCase().startsWith(local)));
    await waitFor('three confirmation mails', () => mailed().length >= 3);
    expect(mailed()).toHaveLength(3);
  });

  it('closes an unconfirmed case after the window and erases its contact', async () => {
    // The functions read the window from their environment: make it one second for this run.
    const { statusUrl, person } = await submitThroughForm();
    process.env.CONFIRM_WINDOW_SECONDS = '1';
    try {
      const { resetConfig } = await import('../../shared/config');
      const { resetWiring } = await import('../../shared/wiring');
      resetConfig();
      resetWiring();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const result = (await runtime.runScheduled('purge-personal-data')) as { unconfirmed: number };
      expect(result.unconfirmed).toBeGreaterThanOrEqual(1);
    } finally {
      delete process.env.CONFIRM_WINDOW_SECONDS;
      const { resetConfig } = await import('../../shared/config');
      const { resetWiring } = await import('../../shared/wiring');
      resetConfig();
      resetWiring();
    }
    const status = await statusOf(statusUrl);
    expect(status.status).toBe('expired');
    const page = await (await fetch(statusUrl, { headers: { accept: 'text/html' } })).text();
    expect(page).not.toContain(person.email);
    // Its link now says the case was closed.
    expect((await fetch(confirmLink(person.email))).status).toBe(410);
  });

  it('sends partner-key cases straight to review with a receipt, with no confirmation asked', async () => {
    const person = contact();
    const response = await postCase(runtime, validCase({ contact: person }));
    expect(response.status).toBe(201);
    const { reference, statusUrl } = (await response.json()) as { reference: string; statusUrl: string };
    await waitFor('the case in review', async () => (await statusOf(statusUrl)).status === 'in_review');
    expect(mailsTo(person.email).map((mail) => mail.subject)).toEqual([`Abbiamo ricevuto il vostro caso ${reference}`]);
  });
});
