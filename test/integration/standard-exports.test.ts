import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { ROUTES, routeKey } from '../../infra/routes';
import type { ResponseBundle } from '../../shared/app/catalog-standards';
import { linkIdsOf, type Questionnaire, type QuestionnaireItem, type ResponseItem } from '../../shared/core/questionnaire';
import { compileFhirValidators, fhirErrors } from '../support/fhir';
import { componentErrors } from '../support/openapi';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const REVIEWER = 'standard@hub.example.org';

beforeAll(() => compileFhirValidators('Questionnaire', 'QuestionnaireResponse', 'Bundle'), 120_000);
let runtime: Runtime;
/** The two approved cases of this file, newest decision last, with their contacts. */
const approved: { reference: string; email: string; name: string; created: unknown; statusUrl: string }[] = [];

/** Letters only, so that a contact detail cannot turn up anywhere by chance. */
const unique = () => Math.random().toString(36).slice(2).replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);

async function submitAndApprove(overrides: Record<string, unknown>) {
  const contact = { name: `Referente ${unique()}`, email: `${unique()}@example.org`, role: 'Project manager' };
  const response = await postCase(runtime, validCase({ ...overrides, contact }));
  expect(response.status).toBe(201);
  const created = (await response.json()) as { reference: string; statusUrl: string };
  const { reference, statusUrl } = created;
  const mail = await waitFor(`the review mail of ${reference}`, () => runtime.mails().find((m) => m.to.includes(REVIEWER) && m.subject.includes(reference)));
  const link = /\/review\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
  const decided = await fetch(`${runtime.url}${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
  expect(decided.status).toBe(200);
  await waitFor(`${reference} approved`, async () => {
    const status = (await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string };
    return status.status === 'approved' ? true : undefined;
  });
  approved.push({ reference, email: contact.email, name: contact.name, created, statusUrl });
}

beforeAll(async () => {
  runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600' });
  await submitAndApprove({ title: 'Telemonitoraggio dello scompenso', clinicalAreas: ['cardiology', 'rehabilitation'] });
  await submitAndApprove({ partner: 'maugeri', kind: 'hospital-app', title: 'App per il percorso oncologico', telexServices: undefined, clinicalAreas: ['oncology'], interoperability: ['hl7v2'] });
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(path.startsWith('http') ? path : `${runtime.url}${path}`, { headers });

function expectSecurityHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('strict-transport-security')).toContain('max-age=');
}

describe('GET /openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document of every route, with this runtime as its server', async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expectSecurityHeaders(response);
    const document = (await response.json()) as { servers: { url: string }[]; paths: Record<string, Record<string, unknown>> };
    expect(document.servers).toEqual([{ url: runtime.url }]);
    expect((await new Validator().validate(document)).valid).toBe(true);
    for (const route of ROUTES) expect(document.paths[route.path]?.[route.method.toLowerCase()], routeKey(route)).toBeDefined();
  });

  it('describes what the routes answer: the 201 body, the status, a catalogue page, a problem', async () => {
    const document = (await (await get('/openapi.json')).json()) as Record<string, unknown>;
    for (const { created, statusUrl } of approved) {
      expect(componentErrors(document, 'Created', created)).toEqual([]);
      expect(componentErrors(document, 'CaseStatus', await (await get(statusUrl, { accept: 'application/json' })).json())).toEqual([]);
    }
    expect(componentErrors(document, 'CatalogPage', await (await get('/catalog?limit=1', { accept: 'application/json' })).json())).toEqual([]);
    const problem = await get('/catalog?limit=0', { accept: 'application/json' });
    expect(problem.status).toBe(400);
    expect(componentErrors(document, 'Problem', await problem.json())).toEqual([]);
    // The schemas do bite: a body short of a required field is refused.
    expect(componentErrors(document, 'Created', { id: 'x' })).not.toEqual([]);
  });

  it('answers 304 to the entity tag it sent', async () => {
    const first = await get('/openapi.json');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=3600');
    const again = await get('/openapi.json', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
  });
});

describe('GET /schema/case.questionnaire.json', () => {
  it('serves a valid FHIR R4 Questionnaire whose canonical url is its address, revalidated by its entity tag', async () => {
    const response = await get('/schema/case.questionnaire.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expectSecurityHeaders(response);
    const questionnaire = (await response.json()) as Questionnaire;
    expect(fhirErrors(questionnaire)).toEqual([]);
    expect(questionnaire.url).toBe(`${runtime.url}/schema/case.questionnaire.json`);
    expect(linkIdsOf(questionnaire.item)).toEqual(expect.arrayContaining(['title', 'facility.name', 'contact.email']));
    const again = await get('/schema/case.questionnaire.json', { 'if-none-match': response.headers.get('etag')! });
    expect(again.status).toBe(304);
  });
});

describe('GET /catalog.questionnaire-responses.json', () => {
  let questionnaire: Questionnaire;
  beforeAll(async () => {
    questionnaire = (await (await get('/schema/case.questionnaire.json')).json()) as Questionnaire;
  });

  const typeOf = (items: readonly QuestionnaireItem[]): Map<string, QuestionnaireItem> => new Map(items.flatMap((item) => [[item.linkId, item] as const, ...typeOf(item.item ?? [])]));
  const linkIds = (items: readonly ResponseItem[]): ResponseItem[] => items.flatMap((item) => [item, ...linkIds(item.item ?? [])]);

  it('answers a valid FHIR R4 Bundle of the approved cases, each answering the Questionnaire with its own linkIds and types', async () => {
    const response = await get('/catalog.questionnaire-responses.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expectSecurityHeaders(response);
    const text = await response.clone().text();
    const bundle = (await response.json()) as ResponseBundle;
    expect(fhirErrors(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 });
    // Newest decision first, as the catalogue.
    expect(bundle.entry.map((entry) => entry.resource.identifier.value)).toEqual(approved.map((c) => c.reference).reverse());
    const items = typeOf(questionnaire.item);
    const VALUE_OF: Record<string, string> = { string: 'valueString', text: 'valueString', integer: 'valueInteger', date: 'valueDate', boolean: 'valueBoolean', choice: 'valueCoding' };
    for (const { resource } of bundle.entry) {
      expect(resource.questionnaire).toBe(`${questionnaire.url}|${questionnaire.version}`);
      for (const answered of linkIds(resource.item)) {
        const question = items.get(answered.linkId);
        expect(question, answered.linkId).toBeDefined();
        for (const answer of answered.answer ?? []) expect(Object.keys(answer)).toEqual([VALUE_OF[question!.type]]);
      }
      expect(linkIds(resource.item).map((answered) => answered.linkId)).toEqual(expect.arrayContaining(['title', 'summary', 'facility.name', 'clinicalAreas']));
    }
    // Never contact data: no contact item, and none of the submitters' names or addresses anywhere.
    for (const contact of approved) {
      expect(text).not.toContain(contact.email);
      expect(text).not.toContain(contact.name);
    }
    expect(text).not.toContain('"contact');
  });

  it('pages as the catalogue does, following the Bundle links', async () => {
    const first = (await (await get('/catalog.questionnaire-responses.json?limit=1')).json()) as ResponseBundle;
    expect(first.entry).toHaveLength(1);
    const next = first.link.find((link) => link.relation === 'next')?.url;
    expect(next).toMatch(new RegExp(`^${runtime.url}/catalog\\.questionnaire-responses\\.json\\?limit=1&cursor=`));
    const second = (await (await get(next!)).json()) as ResponseBundle;
    expect(fhirErrors(second)).toEqual([]);
    expect(second.entry.map((entry) => entry.resource.identifier.value)).toEqual([approved[0]!.reference]);
    expect(second.link.find((link) => link.relation === 'next')).toBeUndefined();
    expect(second.link.find((link) => link.relation === 'previous')?.url).toContain('before=');
  });

  it('filters as the catalogue does, and answers a bad filter with problem+json', async () => {
    const bundle = (await (await get('/catalog.questionnaire-responses.json?partner=maugeri')).json()) as ResponseBundle;
    expect(bundle.entry.map((entry) => entry.resource.author.identifier.value)).toEqual(['maugeri']);
    const wrong = await get('/catalog.questionnaire-responses.json?kind=nope');
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('GET /catalog.dha.json', () => {
  it('lists the approved cases as Digital Health Atlas projects, public fields only', async () => {
    const response = await get('/catalog.dha.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expectSecurityHeaders(response);
    const text = await response.clone().text();
    const body = (await response.json()) as { total: number; projects: Record<string, unknown>[] };
    expect(body.total).toBe(2);
    expect(body.projects[0]).toMatchObject({
      name: 'App per il percorso oncologico',
      country: { name: 'Italy', iso3166: 'IT' },
      health_focus_areas: ['Cancer'],
      interoperability_standards: ['HL7 v2'],
      stages: [{ name: 'Deploying' }],
    });
    expect(body.projects[1]).toMatchObject({ health_focus_areas: ['Cardiovascular disease'], hub_intake: { unmapped: { clinical_areas: ['rehabilitation'] } } });
    for (const contact of approved) {
      expect(text).not.toContain(contact.email);
      expect(text).not.toContain(contact.name);
    }
  });
});
