import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { stageConfig } from '../../infra/config';
import { handler as notifySubmitter } from '../../functions/notify-submitter/handler';
import { reactToCommits, runEffect } from '../../shared/app/effects';
import { erasePerson } from '../../shared/app/personal-data';
import { purgeDeps, sweepDeps } from '../../shared/wiring';
import type { CatalogItem } from '../../shared/app/catalog';
import { MATCHING_RULES_VERSION } from '../../shared/core/matching';
import { postCase, settled, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const REVIEWER = 'abbinamenti@hub.example.org';
// The embedded runtime's stage has the Hub's address for introductions.
const HUB = stageConfig('local').hubContactEmail!;
let runtime: Runtime;

/** Letters only, so that a contact detail cannot turn up anywhere by chance. */
const unique = () => randomBytes(6).toString('hex').replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);

interface Seeded {
  id: string;
  reference: string;
  statusUrl: string;
  contact: { name: string; email: string; role: string };
}

const statusJson = async (statusUrl: string) => (await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as Record<string, any>;

/** Submits a case as its partner's system; `approve` then approves it through the reviewer's link and waits for the stream. */
async function seed(overrides: Record<string, unknown>, decide: 'approve' | 'pending' = 'approve'): Promise<Seeded> {
  const contact = { name: `Referente ${unique()}`, email: `${unique()}@example.org`, role: `Ruolo ${unique()}` };
  const input = Object.fromEntries(Object.entries(validCase({ ...overrides, contact })).filter(([, value]) => value !== undefined));
  const response = await postCase(runtime, input);
  expect(response.status).toBe(201);
  const { id, reference, statusUrl } = (await response.json()) as Seeded;
  const mail = await waitFor(`the review mail of ${reference}`, () => runtime.mails().find((m) => m.to.includes(REVIEWER) && m.subject.includes(`${reference} da revisionare`)));
  if (decide === 'approve') {
    const link = /\/review\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    const answer = await fetch(`${runtime.url}${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
    expect(answer.status).toBe(200);
    await waitFor(`${reference} approved`, async () => ((await statusJson(statusUrl)).status === 'approved' ? true : undefined));
    // The approval's mails and the practice's matching run from the stream after the workflow's last task.
    await waitFor(`the outcome mail of ${reference}`, () => runtime.mails().some((m) => m.subject.includes(`${reference}`) && /approvato|approved/.test(m.subject)));
    await runtime.streamIdle();
  }
  return { id, reference, statusUrl, contact };
}

const matchMails = (need: Seeded) => runtime.mails().filter((m) => m.subject.includes(`need ${need.reference}`) || m.subject.includes(`bisogno ${need.reference}`));

const NEED = { partner: 'don-gnocchi', kind: 'need', title: 'Seguire a casa lo scompenso cardiaco dopo la riabilitazione', telexServices: undefined, clinicalAreas: ['cardiology', 'rehabilitation'], careSettings: ['home'], technologies: ['wearable-iot'], stage: undefined, patientsImpacted: undefined, language: 'en' };

let need: Seeded;
let secondNeed: Seeded;
let pendingNeed: Seeded;
let before: Seeded; // approved before the need: listed, never mailed about
let after: Seeded; // approved after the need: one mail
let unrelated: Seeded; // no clinical area in common
let neurology: Seeded; // answers the second need, whose contact data is erased

beforeAll(async () => {
  runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600' });
  before = await seed({ partner: 'humanitas', title: 'Televisita per lo scompenso cardiaco', stage: 'active' });
  need = await seed(NEED);
  secondNeed = await seed({ ...NEED, partner: 'ieo', title: 'Bisogno di telemonitoraggio neurologico', clinicalAreas: ['neurology'], language: 'it' });
  pendingNeed = await seed({ ...NEED, title: 'Bisogno ancora in revisione' }, 'pending');
  await erasePerson(purgeDeps().people, secondNeed.contact.email, new Date());
  after = await seed({ partner: 'maugeri', title: 'Teleriabilitazione cardiologica a domicilio', telexServices: ['teleriabilitazione'], clinicalAreas: ['cardiology', 'rehabilitation'], stage: 'scaled' });
  unrelated = await seed({ partner: 'ieo', title: 'Telerefertazione oncologica', telexServices: ['telerefertazione'], clinicalAreas: ['oncology'] });
  neurology = await seed({ partner: 'medtronic', title: 'Telemonitoraggio della malattia di Parkinson', telexServices: ['telemonitoraggio'], clinicalAreas: ['neurology'] });
}, 120_000);

afterAll(async () => {
  await runtime?.close();
});

describe('the mail to a need’s submitter about a practice that answers it', () => {
  it('goes once to the need’s contact when a matching practice is approved after the need, in the need’s language', () => {
    const mails = matchMails(need);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to).toEqual([need.contact.email]);
    expect(mail!.subject).toBe(`A project answers your need ${need.reference}`);
    expect(mail!.text).toContain('Teleriabilitazione cardiologica a domicilio');
    expect(mail!.text).toContain('Istituti Clinici Scientifici Maugeri');
    expect(mail!.text).toContain('same clinical areas: Cardiology, Rehabilitation; same care setting: Home');
    expect(mail!.text).toContain(`write to the Hub (${HUB}) to be introduced`);
    for (const detail of [after.contact.name, after.contact.email, after.contact.role]) expect(mail!.text + mail!.html).not.toContain(detail);
  });

  it('stays one mail when the task is retried, the stream replays its records and the sweep runs', async () => {
    // The NotifyApproval task again, as Step Functions retries it.
    await settled(runtime, notifySubmitter({ caseId: after.id, round: 1, outcome: 'approved' }));
    const deps = sweepDeps();
    const matching = { key: deps.outbox.entryKey({ on: 'effect', caseId: after.id, effect: 'match-needs' }), caseId: after.id, effect: 'match-needs' as const, attempts: 0, dueAt: new Date().toISOString() };
    const mail = { key: deps.outbox.entryKey({ on: 'effect', caseId: need.id, effect: 'match-mail', suffix: `#${after.id}` }), caseId: need.id, effect: 'match-mail' as const, attempts: 0, dueAt: new Date().toISOString(), payload: { practice: after.id } };
    // The stream delivers the records once more: the entries are settled, nobody leases them.
    await reactToCommits(deps, [{ id: 'replay-1', entry: matching }, { id: 'replay-2', entry: mail }]);
    // The matching itself run again, as after a lost acknowledgement: the need's mail is queued once, ever.
    expect(await runEffect(matching, await deps.cases.get(after.id), deps)).toBe(true);
    await runtime.runScheduled('sweep-outbox');
    await runtime.streamIdle();
    expect(matchMails(need)).toHaveLength(1);
  });

  it('is announced by the need’s approval mail', () => {
    const approval = runtime.mails().find((m) => m.subject === `Case ${need.reference} has been approved`);
    expect(approval?.text).toContain('The status page of the case lists the approved projects that answer the need');
  });

  it('is not sent about a practice approved before the need, nor one with no clinical area in common', () => {
    const texts = matchMails(need).map((m) => m.text).join('\n');
    expect(texts).not.toContain('Televisita per lo scompenso cardiaco');
    expect(texts).not.toContain('Telerefertazione oncologica');
  });

  it('is not sent for a need not approved, nor once the need’s contact data is erased', async () => {
    // The erased need was matched (its mail's entry is there, and done) but nobody was written to.
    const items = await purgeDeps().people.caseItems(secondNeed.id);
    const entry = items.find((item) => item.sk === `OUTBOX#match-mail#${neurology.id}`);
    expect(entry?.doneAt).toEqual(expect.any(String));
    expect(items.find((item) => item.sk === `OUTBOX#match-mail#${after.id}`)).toBeUndefined();
    expect(matchMails(pendingNeed)).toEqual([]);
    expect(matchMails(secondNeed)).toEqual([]);
    expect(runtime.mails().some((m) => m.text.includes('Telemonitoraggio della malattia di Parkinson') && /bisogno|need/.test(m.subject))).toBe(false);
  });
});

describe('the status page of an approved need', () => {
  it('lists the approved practices that answer it, ranked, with the partner’s name and the reasons (JSON)', async () => {
    const body = await statusJson(`${need.statusUrl}&lang=en`);
    expect(body.matches.rulesVersion).toBe(MATCHING_RULES_VERSION);
    expect(body.matches.introduction).toEqual({ via: 'hub', email: HUB });
    const practices = body.matches.practices as Record<string, any>[];
    expect(practices.map((p) => p.reference)).toEqual([after.reference, before.reference]);
    expect(practices[0]).toMatchObject({ partner: 'maugeri', partnerName: 'Istituti Clinici Scientifici Maugeri', title: 'Teleriabilitazione cardiologica a domicilio', stage: 'scaled', score: 11 });
    expect(practices[0]!.reasons).toEqual([
      { field: 'clinicalAreas', values: ['cardiology', 'rehabilitation'] },
      { field: 'careSettings', values: ['home'] },
      { field: 'technologies', values: ['wearable-iot'] },
    ]);
    expect(practices[1]!.why).toBe('same clinical area: Cardiology; same care setting: Home; same technology: Wearables and IoT');
    expect(practices[0]!.catalogUrl).toBe(`${runtime.url}/catalog?kind=telex&partner=maugeri&limit=100&lang=en#${after.reference}`);
  });

  it('shows them in the page with a link to the catalogue, says the Hub introduces the people, and gives no contact of theirs', async () => {
    const response = await fetch(need.statusUrl, { headers: { accept: 'text/html' } });
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page).toContain('Projects that answer this need');
    expect(page).toContain('Istituti Clinici Scientifici Maugeri');
    expect(page).toContain(`href="/catalog?kind=telex&amp;partner=maugeri&amp;limit=100&amp;lang=en#${after.reference}"`);
    expect(page).toContain(`write to the Hub to be introduced: <a href="mailto:${HUB}">`);
    const json = JSON.stringify(await statusJson(need.statusUrl));
    for (const practice of [before, after]) {
      for (const detail of [practice.contact.name, practice.contact.email, practice.contact.role]) {
        expect(page).not.toContain(detail);
        expect(json).not.toContain(detail);
      }
    }
    // The catalogue has the card the link points at.
    const catalogue = await (await fetch(`${runtime.url}/catalog?kind=telex&partner=maugeri&limit=100&lang=en`, { headers: { accept: 'text/html' } })).text();
    expect(catalogue).toContain(`id="${after.reference}"`);
  });

  it('lists nothing for a need not yet approved, nor for a practice', async () => {
    expect((await statusJson(pendingNeed.statusUrl)).matches).toBeUndefined();
    expect((await statusJson(after.statusUrl)).matches).toBeUndefined();
  });
});

describe('the catalogue', () => {
  it('shows for each published need how many practices answer it, in JSON, HTML, CSV and XLSX', async () => {
    const { items } = (await (await fetch(`${runtime.url}/catalog?kind=need`, { headers: { accept: 'application/json' } })).json()) as { items: CatalogItem[] };
    const count = (ref: string) => items.find((item) => item.reference === ref)?.answeringPractices;
    expect(count(need.reference)).toBe(2);
    expect(count(secondNeed.reference)).toBe(1);
    expect(items.find((item) => item.reference === pendingNeed.reference)).toBeUndefined();
    const all = (await (await fetch(`${runtime.url}/catalog`, { headers: { accept: 'application/json' } })).json()) as { items: CatalogItem[] };
    expect(all.items.find((item) => item.reference === after.reference)).not.toHaveProperty('answeringPractices');

    const html = await (await fetch(`${runtime.url}/catalog?kind=need&lang=en`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('data-answering-practices="2"');
    const csv = await (await fetch(`${runtime.url}/catalog.csv?kind=need`)).text();
    const [header, ...rows] = parse(csv.replace(/^\uFEFF/, '')) as string[][];
    const column = header!.indexOf('answeringPractices');
    expect(column).toBeGreaterThan(0);
    expect(rows.find((row) => row.includes(need.reference))?.[column]).toBe('2');
    expect((await fetch(`${runtime.url}/catalog.xlsx?kind=need`)).status).toBe(200);
    expect([unrelated, neurology].length).toBe(2);
  });
});
