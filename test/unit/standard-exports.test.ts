import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../infra/routes';
import { toCatalogItem, type CatalogCase, type CatalogItem } from '../../shared/app/catalog';
import { DHA_HEALTH_FOCUS_AREAS, DHA_STAGES, DHA_STANDARDS, dhaExport, dhaProject, responseBundle } from '../../shared/app/catalog-standards';
import { CASE_SHAPE, CLINICAL_AREAS, INTEROPERABILITY, STAGES, generateCaseJsonSchema } from '../../shared/core/case';
import { questionnaire } from '../../shared/core/case-questionnaire';
import { FIELD_LABELS, VALUE_LABELS, valueLabel } from '../../shared/core/i18n';
import {
  TRANSLATION_EXTENSION, caseQuestionnaire, generateCaseQuestionnaire, linkIdsOf, questionnaireResponse,
  type QuestionnaireItem, type ResponseItem,
} from '../../shared/core/questionnaire';
import { openApi } from '../../shared/adapters/http/openapi-document';
import { generateOpenApiDocument } from '../../shared/adapters/http/openapi';
import { compileFhirValidators, fhirErrors } from '../support/fhir';
import { componentErrors } from '../support/openapi';

const BASE = 'https://hub.example.org';

beforeAll(() => compileFhirValidators('Questionnaire', 'QuestionnaireResponse', 'Bundle'), 120_000);
const served = caseQuestionnaire(questionnaire(), BASE);

/** The dotted paths of every field of a zod object shape, nested objects' fields included. */
function fieldPaths(shape: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([name, schema]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    let inner = schema as { _zod: { def: { type: string; innerType?: unknown } }; shape?: Record<string, unknown> };
    while (['optional', 'default', 'nullable'].includes(inner._zod.def.type)) inner = inner._zod.def.innerType as typeof inner;
    return inner._zod.def.type === 'object' && inner.shape ? [path, ...fieldPaths(inner.shape, path)] : [path];
  });
}

/** An approved case with every public field filled, and a contact that must never come out. */
const approved: CatalogCase & { contact: { name: string; email: string } } = {
  id: '01JC0000000000000000000000',
  reference: 'HUB-2026-ABCD',
  decidedAt: '2026-11-30T10:00:00.000Z',
  partner: 'humanitas',
  kind: 'telex',
  title: 'Televisita per lo scompenso cardiaco',
  summary: 'Servizio di televisita e telemonitoraggio per pazienti con scompenso cardiaco cronico.',
  facility: { name: 'Humanitas Research Hospital', code: '030906' },
  telexServices: ['televisita', 'telemonitoraggio'],
  clinicalAreas: ['cardiology', 'rehabilitation', 'geriatrics'],
  careSettings: ['home'],
  technologies: ['platform', 'wearable-iot'],
  stage: 'active',
  patientsImpacted: 1200,
  funding: ['regional'],
  reimbursement: 'reimbursed',
  interoperability: ['fse', 'fhir'],
  startDate: '2024-03-01',
  targetPopulation: ['chronic-patients', 'frail-elderly'],
  medicalDevice: 'class-iia',
  contact: { name: 'Maria Rossi', email: 'maria.rossi@example.org' },
};
const item: CatalogItem = toCatalogItem(approved, 'Humanitas');

const itemsByLinkId = (items: readonly QuestionnaireItem[]): Map<string, QuestionnaireItem> =>
  new Map(items.flatMap((entry) => [[entry.linkId, entry] as const, ...itemsByLinkId(entry.item ?? [])]));
const answeredLinkIds = (items: readonly ResponseItem[]): string[] => items.flatMap((entry) => [entry.linkId, ...answeredLinkIds(entry.item ?? [])]);

describe('the OpenAPI document', () => {
  const document = generateOpenApiDocument();

  it("describes every field of a need's status: its review requests and its matches", () => {
    const status = {
      id: 'c1',
      reference: 'HUB-2026-AB12CD',
      status: 'approved',
      kind: 'need',
      title: 'Need',
      createdAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
      decidedAt: '2026-03-02T10:00:00.000Z',
      history: [
        { at: '2026-03-01T10:00:00.000Z', type: 'submitted', to: 'submitted', actor: 'submitter' },
        { at: '2026-03-01T10:01:00.000Z', type: 'review-requested', actor: 'system', round: 0, attempt: 1, reason: 'escalation', asked: { reviewers: 0, coordinators: 2 } },
        { at: '2026-03-02T10:00:00.000Z', type: 'status-changed', from: 'in_review', to: 'approved', actor: 'reviewer', role: 'coordinator', note: 'ok' },
      ],
      matches: {
        rulesVersion: '2026.2',
        introduction: { via: 'hub', email: 'hub@example.org' },
        practices: [
          {
            id: 'p1', reference: 'HUB-2026-EF34GH', kind: 'telex', title: 'Practice', partner: 'humanitas', partnerName: 'Humanitas',
            facility: { name: 'Humanitas Rozzano' }, clinicalAreas: ['cardiology'], telexServices: [], careSettings: ['home'], targetPopulation: ['frail-elderly'],
            technologies: [], stage: 'scaled', decidedAt: '2026-02-01T10:00:00.000Z', score: 8,
            reasons: [{ field: 'clinicalAreas', values: ['cardiology'] }], why: 'same clinical area: Cardiology', catalogUrl: 'https://hub.example/catalog?kind=telex#HUB-2026-EF34GH',
          },
        ],
      },
    };
    expect(componentErrors(document, 'CaseStatus', status)).toEqual([]);
    // The schema is closed: a field the route answers but the document does not describe is caught.
    expect(componentErrors(document, 'CaseStatus', { ...status, unknown: 1 })).not.toEqual([]);
    expect(componentErrors(document, 'CaseStatus', { ...status, history: [{ ...status.history[1], asked: { reviewers: 1, coordinators: 0, emails: ['x@y.it'] } }] })).not.toEqual([]);
  });

  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    // A copy: resolving the references replaces them in the document the validator holds.
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // Every $ref resolves.
    expect(() => validator.resolveRefs()).not.toThrow();
    // The validator does refuse a broken document.
    expect((await new Validator().validate({ ...structuredClone(document), paths: { '/x': { get: { responses: 'none' } } } })).valid).toBe(false);
  });

  it('describes every route of infra/routes.ts, and nothing else', () => {
    const paths = document.paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map(routeKey).sort());
    expect(documented.some((key) => key.includes('/_local'))).toBe(false);
  });

  it('names every operation uniquely', () => {
    const ids = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap((operations) => Object.values(operations).map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers the errors of a page with a page', () => {
    const review = (document.paths as Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>)['/review/{reviewId}']!.get!;
    expect(review.responses['404']?.$ref).toBe('#/components/responses/Page404');
  });

  it('takes the submission from the case schema, and answers errors as problem+json with the statuses of the error table', () => {
    const { $id: _id, $schema: _schema, ...caseSchema } = generateCaseJsonSchema();
    const components = document.components as { schemas: Record<string, unknown>; responses: Record<string, { content: Record<string, unknown> }>; securitySchemes: Record<string, unknown> };
    expect(components.schemas.CaseSubmission).toEqual(caseSchema);
    expect(components.securitySchemes.partnerKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const submit = (document.paths as Record<string, Record<string, { parameters: { $ref: string }[]; requestBody: { content: Record<string, unknown> }; responses: Record<string, { $ref?: string }> }>>)['/cases']!.post!;
    expect(Object.keys(submit.requestBody.content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(submit.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    for (const status of ['400', '401', '403', '409', '413', '415', '422', '429', '503']) {
      expect(submit.responses[status]?.$ref).toBe(`#/components/responses/Problem${status}`);
      expect(Object.keys(components.responses[`Problem${status}`]!.content)).toEqual(['application/problem+json', 'text/html']);
    }
  });

  it('describes the urlencoded form with dotted names for every field of the case', () => {
    const form = (document.components as { schemas: { CaseSubmissionForm: { properties: Record<string, unknown>; required: string[] } } }).schemas.CaseSubmissionForm;
    const leaves = fieldPaths(CASE_SHAPE).filter((path) => !fieldPaths(CASE_SHAPE).some((other) => other.startsWith(`${path}.`)));
    expect(Object.keys(form.properties)).toEqual(expect.arrayContaining(leaves));
    expect(form.required).toEqual(expect.arrayContaining(['facility.name', 'contact.email', 'consent']));
    expect(form.required).not.toContain('facility.code');
  });

  it('describes the catalogue entry with exactly the fields the catalogue publishes', () => {
    const schema = (document.components as { schemas: { CatalogItem: { properties: Record<string, unknown> } } }).schemas.CatalogItem;
    // A need's entry adds its count of answering practices.
    const needItem = toCatalogItem({ ...approved, kind: 'need' }, 'Humanitas', 2);
    expect(needItem.answeringPractices).toBe(2);
    expect(Object.keys(schema.properties).sort()).toEqual([...new Set([...Object.keys(item), ...Object.keys(needItem)])].sort());
  });

  it('is what the runtime module serves', () => {
    expect(openApi()).toEqual(document);
  });
});

describe('the FHIR Questionnaire of the form', () => {
  const byLinkId = itemsByLinkId(served.item);

  it('is a valid FHIR R4 Questionnaire', () => {
    expect(fhirErrors(served)).toEqual([]);
    expect(served).toMatchObject({ resourceType: 'Questionnaire', url: `${BASE}/schema/case.questionnaire.json`, status: 'active', language: 'it' });
  });

  it('has an item for every field of the case schema, its linkId the dotted path', () => {
    const linkIds = linkIdsOf(served.item);
    expect(linkIds.sort()).toEqual(fieldPaths(CASE_SHAPE).sort());
    expect(linkIds).toEqual(expect.arrayContaining(['title', 'facility.name', 'contact.email']));
  });

  it('maps the types, the lists, the enumerations and the required fields', () => {
    expect(byLinkId.get('title')).toMatchObject({ type: 'string', required: true, maxLength: 160 });
    expect(byLinkId.get('summary')).toMatchObject({ type: 'text', required: true, maxLength: 5000 });
    expect(byLinkId.get('patientsImpacted')).toMatchObject({ type: 'integer' });
    expect(byLinkId.get('patientsImpacted')?.required).toBeUndefined();
    expect(byLinkId.get('startDate')).toMatchObject({ type: 'date' });
    expect(byLinkId.get('consent')).toMatchObject({ type: 'boolean', required: true });
    expect(byLinkId.get('facility')).toMatchObject({ type: 'group', required: true });
    expect(byLinkId.get('facility.code')?.required).toBeUndefined();
    expect(byLinkId.get('stage')).toMatchObject({ type: 'choice' });
    expect(byLinkId.get('stage')?.repeats).toBeUndefined();
    const areas = byLinkId.get('clinicalAreas')!;
    expect(areas).toMatchObject({ type: 'choice', repeats: true, required: true });
    expect(areas.answerOption?.map((option) => option.valueCoding.code)).toEqual([...CLINICAL_AREAS]);
    expect(areas.answerOption?.[0]?.valueCoding).toMatchObject({ system: 'urn:hub-intake:code-system:clinicalAreas', code: 'cardiology', display: 'Cardiologia' });
    // Required only for Tele-X cases: enabled, and then required, when kind is telex.
    expect(byLinkId.get('telexServices')).toMatchObject({
      type: 'choice', repeats: true, required: true,
      enableWhen: [{ question: 'kind', operator: '=', answerCoding: { system: 'urn:hub-intake:code-system:kind', code: 'telex' } }],
    });
    // The default is the option selected at first.
    expect(byLinkId.get('language')?.answerOption?.filter((option) => option.initialSelected).map((option) => option.valueCoding.code)).toEqual(['it']);
  });

  // HL7's JSON Schema checks elements and types, not the resource's invariants: those that apply, by hand.
  it("keeps the invariants of a Questionnaire that its JSON Schema cannot check", () => {
    const all = [...byLinkId.values()];
    expect(new Set(linkIdsOf(served.item)).size).toBe(all.length); // que-2: linkIds unique
    for (const entry of all) {
      if (entry.type === 'group') expect(entry.item?.length, entry.linkId).toBeGreaterThan(0); // que-1
      if (entry.answerOption) expect(entry.type, entry.linkId).toBe('choice'); // que-5
      expect(entry, entry.linkId).not.toHaveProperty('initial'); // que-11 (options), que-8 (groups)
      if (entry.maxLength !== undefined) expect(['string', 'text'], entry.linkId).toContain(entry.type); // que-10
      expect(entry.enableWhen?.length ?? 0, entry.linkId).toBeLessThanOrEqual(1); // que-12: no enableBehavior needed
      for (const condition of entry.enableWhen ?? []) {
        const question = byLinkId.get(condition.question);
        expect(question?.answerOption?.map((option) => option.valueCoding.code), entry.linkId).toContain(condition.answerCoding.code);
      }
    }
  });

  it('labels items and options in Italian, with the English label as a FHIR translation', () => {
    const english = (element: { extension: { url: string; extension: ({ url: string; valueCode?: string; valueString?: string })[] }[] } | undefined) => {
      const translation = element?.extension.find((extension) => extension.url === TRANSLATION_EXTENSION);
      expect(translation?.extension.find((part) => part.url === 'lang')?.valueCode).toBe('en');
      return translation?.extension.find((part) => part.url === 'content')?.valueString;
    };
    for (const [linkId, entry] of byLinkId) {
      expect(entry.text).toBe(FIELD_LABELS[linkId]?.it ?? linkId);
      expect(english(entry._text)).toBe(FIELD_LABELS[linkId]?.en ?? linkId);
      for (const { valueCoding } of entry.answerOption ?? []) {
        expect(valueCoding.display).toBe(valueLabel(valueCoding.code, 'it', linkId));
        expect(english(valueCoding._display)).toBe(valueLabel(valueCoding.code, 'en', linkId));
      }
    }
    // A value a field labels its own way keeps that label: not a medical device is not "None".
    const none = byLinkId.get('medicalDevice')?.answerOption?.find(({ valueCoding }) => valueCoding.code === 'none');
    expect(none?.valueCoding.display).toBe('Non è un dispositivo medico');
    expect(english(none?.valueCoding._display)).toBe('Not a medical device');
  });

  it('picks up a field added to the schema, with no list of fields to update', () => {
    const schema = generateCaseJsonSchema();
    const properties = { ...(schema.properties as Record<string, unknown>), medicalDevice: { type: 'string', enum: ['none', 'class-i'] }, targetPopulation: { type: 'array', items: { type: 'string', enum: ['frail-elderly'] } } };
    const extended = itemsByLinkId(generateCaseQuestionnaire({ ...schema, properties }).item);
    expect(extended.get('medicalDevice')).toMatchObject({ type: 'choice', answerOption: [{ valueCoding: { code: 'none' } }, { valueCoding: { code: 'class-i' } }] });
    expect(extended.get('targetPopulation')).toMatchObject({ type: 'choice', repeats: true });
  });

  it('is a new version when the form changes', () => {
    const schema = generateCaseJsonSchema();
    const changed = generateCaseQuestionnaire({ ...schema, properties: { ...(schema.properties as Record<string, unknown>), extra: { type: 'boolean' } } });
    expect(changed.version).not.toBe(served.version);
  });
});

describe("an approved case's QuestionnaireResponse", () => {
  const byLinkId = itemsByLinkId(served.item);
  const response = questionnaireResponse(served, { ...item, contact: approved.contact } as Record<string, unknown>, item);

  it('is a valid FHIR R4 QuestionnaireResponse to the served Questionnaire', () => {
    expect(fhirErrors(response)).toEqual([]);
    // The schema does refuse an answer of no FHIR type.
    const broken = { ...response, item: [{ linkId: 'title', answer: [{ valueText: 'x' }] }] };
    expect(fhirErrors(broken)).not.toEqual([]);
    expect(response).toMatchObject({ id: item.id, status: 'completed', questionnaire: `${served.url}|${served.version}`, identifier: { value: 'HUB-2026-ABCD' }, author: { display: 'Humanitas' } });
  });

  it('answers with linkIds of the Questionnaire, each with the answer type of its item', () => {
    const VALUE_OF: Record<string, string> = { string: 'valueString', text: 'valueString', integer: 'valueInteger', date: 'valueDate', boolean: 'valueBoolean', choice: 'valueCoding' };
    const check = (items: readonly ResponseItem[]) => {
      for (const answered of items) {
        const question = byLinkId.get(answered.linkId);
        expect(question, answered.linkId).toBeDefined();
        if (question!.type === 'group') {
          check(answered.item ?? []);
          continue;
        }
        if (!question!.repeats) expect(answered.answer).toHaveLength(1);
        for (const answer of answered.answer ?? []) expect(Object.keys(answer)).toEqual([VALUE_OF[question!.type]]);
      }
    };
    check(response.item);
    // qrs-2: the answers of a repeating item are one item's answers, not repeated items.
    expect(new Set(answeredLinkIds(response.item)).size).toBe(answeredLinkIds(response.item).length);
    expect(answeredLinkIds(response.item)).toEqual(expect.arrayContaining(['title', 'facility', 'facility.name', 'facility.code', 'clinicalAreas', 'patientsImpacted', 'startDate']));
  });

  it('never carries contact data, even when handed over', () => {
    expect(answeredLinkIds(response.item).filter((linkId) => linkId.startsWith('contact'))).toEqual([]);
    expect(JSON.stringify(response)).not.toMatch(/maria|rossi/i);
  });

  it('goes in a searchset Bundle with the page links, valid FHIR R4', () => {
    const bundle = responseBundle(served, [item], { total: 3, links: { self: `${BASE}/catalog.questionnaire-responses.json`, next: `${BASE}/catalog.questionnaire-responses.json?cursor=x` }, now: new Date('2026-12-01T00:00:00Z') });
    expect(fhirErrors(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ type: 'searchset', total: 3, link: [{ relation: 'self' }, { relation: 'next' }] });
    expect(bundle.entry.map((entry) => entry.resource.id)).toEqual([item.id]);
  });
});

describe('the Digital Health Atlas export', () => {
  it('maps name, organisation, country, region, dates, focus areas, standards and stage', () => {
    const project = dhaProject(item);
    expect(project).toMatchObject({
      name: item.title,
      organisation: 'Humanitas',
      country: { name: 'Italy', iso3166: 'IT' },
      implementation_overview: item.summary,
      start_date: '2024-03-01',
      stages: [{ name: 'Deploying' }],
      health_focus_areas: ['Cardiovascular disease', 'Ageing'],
      interoperability_standards: ['HL7 FHIR'],
    });
    expect(project.geographic_scope).toContain('Lombardia');
    // What has no counterpart is kept under the Hub's own codes, not dropped nor forced.
    expect(project.hub_intake.unmapped).toEqual({ clinical_areas: ['rehabilitation'], interoperability: ['fse'] });
  });

  it('has a line for every clinical area, standard and stage of the schema', () => {
    expect(Object.keys(DHA_HEALTH_FOCUS_AREAS).sort()).toEqual([...CLINICAL_AREAS].sort());
    expect(Object.keys(DHA_STANDARDS).sort()).toEqual([...INTEROPERABILITY].sort());
    expect(Object.keys(DHA_STAGES).sort()).toEqual([...STAGES].sort());
  });

  it('carries no contact data', () => {
    const exported = dhaExport([toCatalogItem(approved, 'Humanitas')], { total: 1, links: { self: BASE }, now: new Date() });
    expect(JSON.stringify(exported)).not.toMatch(/maria|rossi|contact/i);
  });
});
