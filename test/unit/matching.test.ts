import { describe, expect, it } from 'vitest';
import { MATCHING_RULES_VERSION, MATCH_RULES, compareMatches, countMatches, matchOf, matchesFor, reasonText, reasonsText, type MatchCase } from '../../shared/core/matching';
import { catalogUrl, needMatches, toPracticeView, type ApprovedCase } from '../../shared/app/matching';
import { matchMail } from '../../shared/adapters/ses/templates';
import { statusPage } from '../../shared/adapters/html/pages';
import type { CaseRecord } from '../../shared/core/case-record';
import type { Partner } from '../../shared/core/partners';

const need: MatchCase = {
  id: 'N1',
  kind: 'need',
  clinicalAreas: ['cardiology', 'pulmonology'],
  careSettings: ['home'],
  technologies: ['wearable-iot', 'platform'],
};

const practice = (id: string, fields: Partial<ApprovedCase>): ApprovedCase => ({
  id,
  reference: `HUB-2026-${id}`,
  kind: 'telex',
  partner: 'maugeri',
  title: `Practice ${id}`,
  facility: { name: `Facility ${id}` },
  decidedAt: '2026-03-01T10:00:00.000Z',
  clinicalAreas: ['cardiology'],
  ...fields,
});

// Known answers: the score is 4 per clinical area, 2 per Tele-X service or care setting, 1 per technology in common.
const A = practice('A', { clinicalAreas: ['cardiology', 'pulmonology'], careSettings: ['home'], technologies: ['wearable-iot'], stage: 'pilot' }); // 8 + 2 + 1 = 11
const B = practice('B', { clinicalAreas: ['cardiology'], careSettings: ['home', 'hospital'], stage: 'scaled' }); // 4 + 2 = 6
const C = practice('C', { kind: 'hospital-app', clinicalAreas: ['cardiology'], careSettings: ['home'], stage: 'active', decidedAt: '2026-01-01T00:00:00.000Z' }); // 6, less mature than B
const D = practice('D', { kind: 'proposal', clinicalAreas: ['cardiology'], careSettings: ['home'], stage: 'active', decidedAt: '2026-02-01T00:00:00.000Z' }); // 6, as C but newer
const E = practice('E', { clinicalAreas: ['oncology'], careSettings: ['home'], technologies: ['wearable-iot', 'platform'] }); // no clinical area in common
const F = practice('F', { kind: 'need', clinicalAreas: ['cardiology'] }); // a need answers no need
const G = practice('G', { clinicalAreas: ['other'] });

describe('the matching rule', () => {
  it('scores each classification in common by its weight', () => {
    expect(matchOf(need, A)).toEqual({
      practice: A,
      score: 11,
      reasons: [
        { field: 'clinicalAreas', values: ['cardiology', 'pulmonology'] },
        { field: 'careSettings', values: ['home'] },
        { field: 'technologies', values: ['wearable-iot'] },
      ],
    });
    expect(matchOf(need, B)?.score).toBe(6);
  });

  it('counts a target population in common as a care setting is counted, and says so', () => {
    const frail = practice('P', { clinicalAreas: ['cardiology'], targetPopulation: ['frail-elderly', 'chronic-patients'] });
    const match = matchOf({ ...need, targetPopulation: ['frail-elderly', 'caregivers'] }, frail);
    expect(match?.score).toBe(4 + 2);
    expect(match?.reasons).toEqual([
      { field: 'clinicalAreas', values: ['cardiology'] },
      { field: 'targetPopulation', values: ['frail-elderly'] },
    ]);
    expect(reasonsText(match!.reasons, 'en')).toMatch(/same target population: /);
    expect(matchOf(need, frail)?.score).toBe(4);
  });

  it('is no match without a clinical area in common, however much else is shared', () => {
    expect(matchOf(need, E)).toBeUndefined();
  });

  it('does not take "other" for a clinical area in common', () => {
    expect(matchOf({ ...need, clinicalAreas: ['other'] }, G)).toBeUndefined();
    expect(matchOf({ ...need, clinicalAreas: ['other', 'cardiology'] }, { ...G, clinicalAreas: ['other', 'cardiology'] })?.reasons[0]).toEqual({ field: 'clinicalAreas', values: ['cardiology'] });
  });

  it('matches practices only: never a need with a need, nor a case with itself', () => {
    expect(matchOf(need, F)).toBeUndefined();
    expect(matchOf(need, { ...A, id: need.id })).toBeUndefined();
  });

  it('ranks by score, then stage maturity, then the newest decision, then id', () => {
    const ranked = matchesFor(need, [E, C, F, G, D, B, A]).map((match) => match.practice.id);
    expect(ranked).toEqual(['A', 'B', 'D', 'C']);
    const twin = practice('A2', { ...D, id: 'A2' });
    expect(matchesFor(need, [D, twin]).map((match) => match.practice.id)).toEqual(['A2', 'D']);
  });

  it('gives the same order whatever order the practices are read in', () => {
    const all = [A, B, C, D, E, F, G];
    const reference = matchesFor(need, all).map((m) => m.practice.id);
    for (let shift = 1; shift < all.length; shift++) {
      const rotated = [...all.slice(shift), ...all.slice(0, shift)].reverse();
      expect(matchesFor(need, rotated).map((m) => m.practice.id)).toEqual(reference);
    }
    const matches = matchesFor(need, all);
    expect([...matches].sort(compareMatches)).toEqual(matches);
  });

  it('counts the practices that answer a need', () => {
    expect(countMatches(need, [A, B, C, D, E, F, G])).toBe(4);
    expect(countMatches({ ...need, clinicalAreas: ['neurology'] }, [A, B, C])).toBe(0);
  });

  it('says why in Italian and in English', () => {
    const reasons = matchOf(need, A)!.reasons;
    expect(reasonsText(reasons, 'en')).toBe('same clinical areas: Cardiology, Pulmonology; same care setting: Home; same technology: Wearables and IoT');
    expect(reasonText(reasons[1]!, 'it')).toBe('stesso setting di cura: Domicilio');
    expect(reasonText({ field: 'clinicalAreas', values: ['cardiology'] }, 'it')).toBe('stessa area clinica: Cardiologia');
  });

  it('is versioned, and its classifications are a list a further one is added to', () => {
    expect(MATCHING_RULES_VERSION).toMatch(/^\d{4}\.\d+$/);
    expect(MATCH_RULES.map((rule) => rule.field)).toEqual(['clinicalAreas', 'telexServices', 'careSettings', 'targetPopulation', 'technologies']);
  });
});

const partners = new Map<string, Partner>([
  ['maugeri', { id: 'maugeri', name: 'Istituti Clinici Scientifici Maugeri', origins: [], contactDomains: ['icsmaugeri.it'] }],
]);

/** A practice as a stored case would give it, contact and all: none of it may come out. */
const withContact = { ...A, contact: { name: 'Dott.ssa Segreta Riservata', email: 'segreta.riservata@icsmaugeri.it', role: 'Primario riservato' }, summary: 'private', statusTokenHash: 'hash' } as ApprovedCase;

describe('what the need’s submitter is shown of a practice', () => {
  const needRecord = {
    id: 'N1',
    reference: 'HUB-2026-N1',
    status: 'approved',
    revision: 3,
    dataVersion: 1,
    createdAt: '2026-02-01T00:00:00.000Z',
    updatedAt: '2026-02-02T00:00:00.000Z',
    decidedAt: '2026-02-02T00:00:00.000Z',
    statusTokenHash: 'x',
    data: {
      partner: 'maugeri', kind: 'need', title: 'Monitoring heart failure at home', summary: 'We need to follow heart failure patients at home.',
      facility: { name: 'ASST Example' }, contact: { name: 'Ada Need', email: 'ada.need@icsmaugeri.it' }, clinicalAreas: ['cardiology', 'pulmonology'],
      careSettings: ['home'], technologies: ['wearable-iot', 'platform'], language: 'en', consent: true,
    },
  } satisfies CaseRecord;

  it('names the partner and copies the public fields, never a contact', async () => {
    const result = await needMatches({ approvedCases: { approved: async () => [withContact, B, E] }, partners }, needRecord);
    expect(result?.rulesVersion).toBe(MATCHING_RULES_VERSION);
    expect(result?.practices.map((p) => p.id)).toEqual(['A', 'B']);
    expect(result?.practices[0]).toMatchObject({ partnerName: 'Istituti Clinici Scientifici Maugeri', title: 'Practice A', score: 11 });
    const text = JSON.stringify(result);
    for (const secret of ['Segreta', 'segreta.riservata', 'Primario', 'private', 'contact', 'hash']) expect(text).not.toContain(secret);
  });

  it('lists nothing for a need not approved, or for a case that is no need', async () => {
    const approvedCases = { approved: async () => [A] };
    expect(await needMatches({ approvedCases, partners }, { ...needRecord, status: 'in_review' })).toBeUndefined();
    expect(await needMatches({ approvedCases, partners }, { ...needRecord, data: { ...needRecord.data, kind: 'proposal' } })).toBeUndefined();
  });

  it('renders the status page section and the mail without the practice’s contact, and says the Hub introduces the people', () => {
    const view = toPracticeView(matchOf(need, withContact)!, partners);
    const link = catalogUrl('https://hub.example.org', view, 'en');
    expect(link).toBe('https://hub.example.org/catalog?kind=telex&partner=maugeri&limit=100&lang=en#HUB-2026-A');
    const page = statusPage('en', needRecord, [], { matches: { rulesVersion: MATCHING_RULES_VERSION, practices: [view], catalogUrl: () => link, hubContactEmail: 'hub@example.org' } }).value;
    const mail = matchMail(needRecord, { practice: view, statusUrl: 'https://hub.example.org/cases/N1?token=t', catalogUrl: link, hubContactEmail: 'hub@example.org' });
    for (const rendered of [page, mail.text, mail.html]) {
      expect(rendered).toContain('Istituti Clinici Scientifici Maugeri');
      expect(rendered).toContain('same clinical areas: Cardiology, Pulmonology');
      expect(rendered).toContain('write to the Hub');
      expect(rendered).toContain('hub@example.org');
      for (const secret of ['Segreta', 'segreta.riservata', 'Primario']) expect(rendered).not.toContain(secret);
    }
    expect(mail.to).toEqual(['ada.need@icsmaugeri.it']);
    const it = matchMail({ ...needRecord, data: { ...needRecord.data, language: 'it' } }, { practice: view, statusUrl: 'https://x', catalogUrl: link });
    expect(it.subject).toBe('Un progetto risponde al vostro bisogno HUB-2026-N1');
    expect(it.text).toContain('stesse aree cliniche: Cardiologia, Pneumologia');
    expect(it.text).toContain('scrivete allo Hub');
  });

  it('shows a practice’s medical device class on the status page, labelled as its field', () => {
    const view = toPracticeView(matchOf(need, { ...A, medicalDevice: 'none' })!, partners);
    expect(view.medicalDevice).toBe('none');
    const page = statusPage('en', needRecord, [], { matches: { rulesVersion: MATCHING_RULES_VERSION, practices: [view], catalogUrl: () => '#', hubContactEmail: 'hub@example.org' } }).value;
    expect(page).toContain('Not a medical device');
    expect(toPracticeView(matchOf(need, A)!, partners)).not.toHaveProperty('medicalDevice');
  });
});
