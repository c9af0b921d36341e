import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMail } from '../../infra/local/emulators';
import type { Runtime } from '../../infra/local/runtime';
import { formBody, postCase, settled, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const REVIEWERS = ['anna.bianchi@hub.example.org', 'luca.verdi@hub.example.org'];
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime({ REVIEWERS: REVIEWERS.join(','), REVIEW_WINDOW_SECONDS: '600', AMEND_WINDOW_SECONDS: '600', REMINDERS: '1' });
});
afterAll(async () => {
  await runtime?.close();
});

const mailsTo = (address: string) => runtime.mails().filter((mail) => mail.to.includes(address));
const mailTo = (address: string, subject: RegExp) =>
  waitFor(`a mail to ${address} matching ${subject}`, () => mailsTo(address).find((mail) => subject.test(mail.subject)));
const reviewLinkIn = (mail: LocalMail) => mail.text.match(/(http:\/\/\S+\/review\/[A-Za-z0-9_-]+)/)?.[1] ?? '';

async function submit(overrides: Record<string, unknown> = {}) {
  const input = validCase({ language: 'en', ...overrides });
  const response = await postCase(runtime, input);
  expect(response.status).toBe(201);
  const body = (await response.json()) as { id: string; reference: string; statusUrl: string };
  return { ...body, email: (input.contact as { email: string }).email };
}

const statusOf = async (statusUrl: string) =>
  ((await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string; history: { to?: string; type: string }[] });

/** The reviewer mails of one case, one per reviewer. */
async function reviewerMails(reference: string) {
  return Promise.all(REVIEWERS.map((reviewer) => mailTo(reviewer, new RegExp(`${reference} da revisionare`))));
}

const decide = (link: string, decision: string, comment = '') =>
  fetch(`${link}?lang=en`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ decision, comment }).toString(),
  });

describe('a case reviewed from the reviewers’ email', () => {
  it('is approved from the link, however often mail scanners open it first, and the submitter is told', async () => {
    const submitted = await submit();
    const [mail] = await reviewerMails(submitted.reference);
    const link = reviewLinkIn(mail!);
    await waitFor('the case in review', async () => (await statusOf(submitted.statusUrl)).status === 'in_review');

    for (let i = 0; i < 3; i++) {
      const head = await fetch(link, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      const get = await fetch(link);
      expect(get.status).toBe(200);
      expect(get.headers.get('referrer-policy')).toBe('no-referrer');
      const page = await get.text();
      expect(page).toContain('<form method="post"');
      expect(page).toContain('name="decision" value="approve"');
    }
    expect((await statusOf(submitted.statusUrl)).status).toBe('in_review');

    const answer = await decide(link, 'approve', 'A model for the region.');
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('Thank you, decision recorded');
    const outcome = await mailTo(submitted.email, /has been approved/);
    expect(outcome.text).toContain('A model for the region.');
    await waitFor('the case approved', async () => (await statusOf(submitted.statusUrl)).status === 'approved');
    const { history } = await statusOf(submitted.statusUrl);
    // The review request is in the history, once for both reviewers of the round.
    expect(history.map((event) => event.to ?? event.type)).toEqual(['submitted', 'in_review', 'review-requested', 'approved']);
    expect(history[2]).toMatchObject({ type: 'review-requested', round: 1, reason: 'review', asked: { reviewers: 2, coordinators: 0 } });
    // The outcome mail's own status link opens the same case; the receipt's still does.
    const statusLink = /https?:\/\/\S+\/cases\/\S+\?token=\S+/.exec(outcome.text)?.[0];
    expect(statusLink).toBeDefined();
    expect(statusLink).not.toBe(submitted.statusUrl);
    expect((await statusOf(statusLink!)).status).toBe('approved');
  });

  it('answers a second decision with 409 saying who decided what and when', async () => {
    const submitted = await submit();
    const [first, second] = await reviewerMails(submitted.reference);
    expect((await decide(reviewLinkIn(first!), 'reject', 'Out of scope for the Hub.')).status).toBe(200);
    const late = await decide(reviewLinkIn(second!), 'approve');
    expect(late.status).toBe(409);
    const page = await late.text();
    expect(page).toContain('rejected by anna.bianchi@hub.example.org');
    const outcome = await mailTo(submitted.email, /was not accepted/);
    expect(outcome.text).toContain('Out of scope for the Hub.');
  });

  it('gives the form back when a rejection has no comment, and 404 for a forged link', async () => {
    const submitted = await submit();
    const [mail] = await reviewerMails(submitted.reference);
    const answer = await decide(reviewLinkIn(mail!), 'reject');
    expect(answer.status).toBe(422);
    expect(await answer.text()).toContain('needs a comment');
    expect((await fetch(`${runtime.url}/review/${'x'.repeat(43)}`)).status).toBe(404);
    expect((await statusOf(submitted.statusUrl)).status).toBe('in_review');
  });

  it('goes back to the submitter with changes, then to review with the amended case, then is approved', async () => {
    const submitted = await submit();
    const [mail] = await reviewerMails(submitted.reference);
    expect((await decide(reviewLinkIn(mail!), 'changes', 'Please add the ministerial code.')).status).toBe(200);
    const changes = await mailTo(submitted.email, /Changes requested/);
    expect(changes.text).toContain('Please add the ministerial code.');
    const editLink = changes.text.match(/(http:\/\/\S+\/edit\?token=\S+)/)?.[1] ?? '';
    await waitFor('the case sent back', async () => (await statusOf(submitted.statusUrl)).status === 'changes_requested');

    const form = await fetch(editLink);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Please add the ministerial code.');
    const body = new URLSearchParams({
      partner: 'humanitas', kind: 'telex', title: 'Televisita per lo scompenso cardiaco (v2)',
      summary: 'Servizio di televisita e telemonitoraggio per pazienti con scompenso cardiaco cronico.',
      'facility.name': 'Humanitas Research Hospital', 'facility.code': '030906',
      'contact.name': 'Maria Rossi', 'contact.email': submitted.email,
      telexServices: 'televisita', clinicalAreas: 'cardiology', language: 'en', consent: 'true',
    });
    const amended = await fetch(editLink, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: body.toString() });
    expect(amended.status).toBe(200);
    // The edit link is single-use; a wrong token opens nothing.
    expect((await fetch(editLink)).status).toBe(409);
    expect((await fetch(editLink.replace(/token=[^&]+/, 'token=wrong'))).status).toBe(404);

    const round2 = await waitFor('round 2 review mail', () =>
      mailsTo(REVIEWERS[0]!).find((m) => m.subject.includes(submitted.reference) && m.text.includes('Please add the ministerial code.')),
    );
    expect((await decide(reviewLinkIn(round2), 'approve')).status).toBe(200);
    await waitFor('the case approved', async () => (await statusOf(submitted.statusUrl)).status === 'approved');
    const { history } = await statusOf(submitted.statusUrl);
    expect(history.map((event) => event.to ?? event.type)).toEqual([
      'submitted', 'in_review', 'review-requested', 'changes_requested', 'amended', 'in_review', 'review-requested', 'approved',
    ]);
  });

  /** Sends a case back for changes from the first reviewer's link and stores `amended` from the submitter's edit link; returns the round 2 link. */
  async function throughAChangesRound(submitted: Awaited<ReturnType<typeof submit>>, amended: Record<string, unknown>, comment: string) {
    const [mail] = await reviewerMails(submitted.reference);
    expect((await decide(reviewLinkIn(mail!), 'changes', comment)).status).toBe(200);
    const changes = await waitFor('the changes mail', () => mailsTo(submitted.email).find((m) => /Changes requested/.test(m.subject) && m.subject.includes(submitted.reference)));
    const editLink = changes.text.match(/(http:\/\/\S+\/edit\?token=\S+)/)?.[1] ?? '';
    const stored = await settled(
      runtime,
      fetch(editLink, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: formBody(amended).toString() }),
    );
    expect(stored.status).toBe(200);
    const round2 = await waitFor('the round 2 review mail', () =>
      mailsTo(REVIEWERS[0]!).find((m) => m.subject.includes(submitted.reference) && m.text.includes(comment)),
    );
    return reviewLinkIn(round2);
  }

  const changedLabels = (page: string) => [...page.matchAll(/<span class="change-label">([^<]*)<\/span>/g)].map((match) => match[1]);

  it('shows in round 2 exactly the fields the submitter changed, by their labels, and no row without a value', async () => {
    const first = validCase({ language: 'en', funding: undefined, startDate: undefined, contact: { name: 'Maria Rossi', email: `maria.rossi+${Date.now()}@example.org` } });
    const response = await postCase(runtime, first);
    expect(response.status).toBe(201);
    const submitted = { ...((await response.json()) as { id: string; reference: string; statusUrl: string }), email: (first.contact as { email: string }).email };

    const [mail] = await reviewerMails(submitted.reference);
    const round1 = await (await fetch(`${reviewLinkIn(mail!)}?lang=en`)).text();
    expect(round1).not.toContain('—');
    expect(round1).not.toContain('<dt>Funding</dt>');
    expect(round1).not.toContain('<dt>Start date</dt>');
    expect(round1).toContain('<dt>Care settings</dt>');
    expect(round1).not.toContain('id="changes"');

    const link = await throughAChangesRound(
      submitted,
      { ...first, title: 'Televisita per lo scompenso cardiaco, seconda fase', facility: { name: 'Humanitas Research Hospital', code: '030913' }, funding: ['pnrr'], careSettings: undefined, technologies: ['platform', 'ai'] },
      'Please name the funding.',
    );
    const round2 = await (await fetch(`${link}?lang=en`)).text();
    expect(round2).toContain('What changed since version 1');
    expect(changedLabels(round2)).toEqual(['Title', 'Ministerial facility code', 'Care settings', 'Technologies', 'Funding']);
    expect(round2).toContain('<del>030906</del>');
    expect(round2).toContain('<ins>030913</ins>');
    expect(round2).toContain('<ins>Artificial intelligence</ins>');
    expect(round2).toContain('Please name the funding.');
    // The care settings are gone from the case: they show as removed, and nowhere else.
    expect(round2).not.toContain('<dt>Care settings</dt>');
    expect(round2).not.toContain('—');
    const italian = await (await fetch(`${link}?lang=it`)).text();
    expect(changedLabels(italian)).toEqual(['Titolo', 'Codice ministeriale della struttura', 'Setting di cura', 'Tecnologie', 'Finanziamento']);
    expect((await decide(link, 'approve')).status).toBe(200);
  });

  it('says so when an amendment changed nothing', async () => {
    const first = validCase({ language: 'en' });
    const response = await postCase(runtime, first);
    const submitted = { ...((await response.json()) as { id: string; reference: string; statusUrl: string }), email: (first.contact as { email: string }).email };
    const link = await throughAChangesRound(submitted, first, 'Please check the figures once more.');
    const round2 = await (await fetch(`${link}?lang=en`)).text();
    expect(round2).toContain('No field changed since version 1.');
    expect(changedLabels(round2)).toEqual([]);
    expect(round2).toContain('nothing changed');
  });

  it('records one decision among 50 concurrent posts from both reviewers and tells the submitter once', async () => {
    const submitted = await submit();
    const links = (await reviewerMails(submitted.reference)).map((mail) => reviewLinkIn(mail));
    await waitFor('the case in review', async () => (await statusOf(submitted.statusUrl)).status === 'in_review');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => decide(links[i % 2]!, i % 3 === 0 ? 'approve' : 'reject', `comment ${i}`)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    const final = await waitFor('the case decided', async () => {
      const { status } = await statusOf(submitted.statusUrl);
      return status === 'approved' || status === 'rejected' ? status : undefined;
    });
    await mailTo(submitted.email, final === 'approved' ? /has been approved/ : /was not accepted/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const outcomes = mailsTo(submitted.email).filter((mail) => /approved|not accepted/.test(mail.subject));
    expect(outcomes).toHaveLength(1);
    const { history } = await statusOf(submitted.statusUrl);
    expect(history.filter((event) => event.to === final)).toHaveLength(1);
  });
});

