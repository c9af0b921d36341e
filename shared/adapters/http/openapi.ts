import { CHALLENGE_FIELD } from '../../app/challenge';
import { CATALOG_PAGE, CSV_SEPARATORS } from '../../app/catalog';
import { CASE_KINDS, CLINICAL_AREAS, LANGUAGES, MEDICAL_DEVICE_CLASSES, TARGET_POPULATIONS, TELEX_SERVICES, generateCaseJsonSchema } from '../../core/case';
import { CASE_STATUSES } from '../../core/case-record';
import { REQUEST_REASONS } from '../../core/reviewers';
import { STATUSES } from './statuses';
import type { RouteKey } from '../../../infra/routes';

/**
 * The OpenAPI 3.1 document of the public API (`GET /openapi.json`). The bodies' schemas are the
 * case's JSON Schema generated from the zod schema, and the error answers come from the one table
 * of statuses; the operations are written here, one per route key, and the type below makes a
 * route of `infra/routes.ts` without its operation a compile error (a test checks the same of the
 * document). Generated once: at synthesis for the bundles (`#openapi`), on first use otherwise;
 * serve-form sets its server URL to the stage's address on each request.
 */

type Json = Record<string, unknown>;
const ref = (kind: 'schemas' | 'parameters' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });

const PROBLEM = 'application/problem+json';
const JSON_TYPE = 'application/json';
const HTML = 'text/html';

/** A problem+json answer, by status: the statuses of {@link STATUSES}, with the headers each carries. */
const problemResponse = (status: number): Json => ref('responses', `Problem${status}`);
/** Every status the table of errors can answer, plus the edge's rate limit. */
const PROBLEM_STATUSES = [...new Set([...Object.values(STATUSES).map((mapping) => mapping.status), 429])].sort();

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: a malformed body, Idempotency-Key or query parameter.',
  401: 'No valid partner API key and no solved form challenge.',
  403: 'Unknown partner, an Origin not on its allow-list, a key of another partner, or a request around the edge.',
  404: 'Not found, or a link whose token does not match.',
  409: 'A submission with this Idempotency-Key is still being processed.',
  413: 'Body over 64 KB.',
  415: 'Content type other than application/json or application/x-www-form-urlencoded.',
  422: 'Validation failed (errors: [{path, message}]), or an Idempotency-Key reused with another body.',
  429: 'Too many requests from this address.',
  500: 'Unexpected error; says nothing internal.',
  503: 'A dependency is briefly unavailable: retry after Retry-After seconds.',
};

/** The headers of a status's problem answers: those of every error type mapped to it. */
function problemHeaders(status: number): Json | undefined {
  const names = new Set(Object.values(STATUSES).filter((mapping) => mapping.status === status).flatMap((mapping) => Object.keys(mapping.headers ?? {})));
  if (names.size === 0) return undefined;
  return Object.fromEntries([...names].map((name) => [name, { schema: { type: 'string' }, description: `Sent with this status (${name}).` }]));
}

const content = (type: string, schema: Json = {}) => ({ [type]: { schema } });
const ok = (description: string, body: Record<string, { schema: Json }>, headers?: Json): Json => ({ description, content: body, ...(headers ? { headers } : {}) });
const page = (description: string): Json => ok(description, content(HTML, { type: 'string' }));
const errors = (...statuses: number[]): Record<string, Json> => Object.fromEntries(statuses.map((status) => [String(status), problemResponse(status)]));
/** Errors of a page: a page of the same status, in the page's language. */
const pageErrors = (...statuses: number[]): Record<string, Json> => Object.fromEntries(statuses.map((status) => [String(status), ref('responses', `Page${status}`)]));
const revalidated = { ETag: { schema: { type: 'string' }, description: 'Entity tag: send it back in If-None-Match for a 304.' } };
const notModified = { '304': { description: 'Not modified: the If-None-Match tag is current.' } };

interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
  security?: Json[];
}

const lang = ref('parameters', 'lang');
const token = ref('parameters', 'token');
const caseId = ref('parameters', 'caseId');
const reviewId = ref('parameters', 'reviewId');
const partner = ref('parameters', 'partner');
const catalogFilters = ['kind', 'clinicalArea', 'telexService', 'partnerFilter', 'targetPopulationFilter', 'medicalDeviceFilter'].map((name) => ref('parameters', name));
const paging = ['limit', 'cursor', 'before'].map((name) => ref('parameters', name));

const caseBody: Json = {
  required: true,
  content: {
    [JSON_TYPE]: { schema: ref('schemas', 'CaseSubmission') },
    'application/x-www-form-urlencoded': {
      // Lists as repeated keys: OpenAPI's default for a form (style form, explode).
      schema: ref('schemas', 'CaseSubmissionForm'),
    },
  },
};

/** A form a page posts back: its own token and language, or a reviewer's decision. */
const formBody = (schema: Json): Json => ({ required: true, content: { 'application/x-www-form-urlencoded': { schema } } });
const tokenForm = formBody({ type: 'object', properties: { token: { type: 'string' }, lang: { enum: [...LANGUAGES] } } });

/** The operations of the public API, one per route of `infra/routes.ts`. */
const OPERATIONS: { readonly [key in RouteKey]: Operation } = {
  'POST /cases': {
    summary: 'Submit a case',
    description:
      "As a partner's own system: JSON with `Authorization: Bearer <key>`. As a person through the Hub's form: urlencoded, with a solved proof-of-work challenge and no key, answered 303 to a thank-you page. An optional Idempotency-Key makes a retry a replay (`Idempotent-Replayed: true`).",
    tags: ['cases'],
    parameters: [lang, ref('parameters', 'IdempotencyKey')],
    requestBody: caseBody,
    security: [{ partnerKey: [] }, {}],
    responses: {
      '201': ok('The case is stored; its review follows. statusUrl is the status link (GET /cases/{id}?token=...).', content(JSON_TYPE, ref('schemas', 'Created')), {
        'Idempotent-Replayed': { schema: { const: 'true' }, description: 'Present when this answers an earlier request with the same Idempotency-Key.' },
      }),
      '303': { description: 'A form post: see the thank-you page at Location.', headers: { Location: { schema: { type: 'string', format: 'uri' } } } },
      ...errors(400, 401, 403, 409, 413, 415, 422, 429, 503),
    },
  },
  'OPTIONS /cases': {
    summary: "CORS preflight for a partner's page",
    tags: ['cases'],
    responses: { '204': { description: "Allowed methods and headers for an origin on a partner's allow-list." } },
  },
  'GET /cases/{id}': {
    summary: 'Status and history of a case',
    description: 'The link of the receipt email and of the 201 body (statusUrl). JSON for scripts, a page for browsers.',
    tags: ['cases'],
    parameters: [caseId, token, lang],
    responses: { '200': ok('The case status.', { ...content(JSON_TYPE, ref('schemas', 'CaseStatus')), ...content(HTML, { type: 'string' }) }), ...errors(404, 429) },
  },
  'GET /cases/{id}/confirm': { summary: "The contact's confirmation page", tags: ['cases'], parameters: [caseId, token, lang], responses: { '200': page('A page with one confirmation button.'), ...pageErrors(404, 429) } },
  'HEAD /cases/{id}/confirm': { summary: 'The confirmation page, headers only (mail scanners); never changes anything', tags: ['cases'], parameters: [caseId, token], responses: { '200': { description: 'As GET, without a body.' } } },
  'POST /cases/{id}/confirm': { summary: "Confirm the contact's address", tags: ['cases'], parameters: [caseId], requestBody: tokenForm, responses: { '200': page('Confirmed; the case goes to review.'), ...pageErrors(400, 404, 415, 429) } },
  'GET /cases/{id}/edit': { summary: 'Amend a case sent back with changes: the form', tags: ['cases'], parameters: [caseId, token, lang], responses: { '200': page('The form, filled with the case.'), ...pageErrors(404, 429) } },
  'POST /cases/{id}/edit': {
    summary: 'Amend a case sent back with changes',
    tags: ['cases'],
    parameters: [caseId, token, lang],
    requestBody: caseBody,
    responses: { '200': page('Amended; the case goes back to review.'), '303': { description: 'A form post: see the case at Location.' }, ...pageErrors(400, 404, 413, 415, 422, 429) },
  },
  'GET /cases/{id}/resubmit': { summary: 'Send a closed case again: the confirmation page', tags: ['cases'], parameters: [caseId, token, lang], responses: { '200': page('A page with one button.'), ...pageErrors(404, 429) } },
  'HEAD /cases/{id}/resubmit': { summary: 'The resubmission page, headers only; never changes anything', tags: ['cases'], parameters: [caseId, token], responses: { '200': { description: 'As GET, without a body.' } } },
  'POST /cases/{id}/resubmit': { summary: 'Send a closed case again', tags: ['cases'], parameters: [caseId], requestBody: tokenForm, responses: { '200': page('Sent again.'), ...pageErrors(400, 404, 415, 429) } },
  'GET /review/{reviewId}': { summary: "The reviewer's confirmation page; never changes state", tags: ['review'], parameters: [reviewId, lang], responses: { '200': page('The case and one form with decision and comment.'), ...pageErrors(404, 429) } },
  'HEAD /review/{reviewId}': { summary: 'The review page, headers only (mail scanners)', tags: ['review'], parameters: [reviewId], responses: { '200': { description: 'As GET, without a body.' } } },
  'POST /review/{reviewId}': {
    summary: 'Record a decision, once',
    tags: ['review'],
    parameters: [reviewId, lang],
    requestBody: formBody({ type: 'object', required: ['decision'], properties: { decision: { enum: ['approve', 'reject', 'changes'] }, comment: { type: 'string' } } }),
    responses: { '200': page('Recorded.'), '409': page('Already decided: by whom, what and when.'), '422': page('The form again, with what to correct.'), ...pageErrors(404, 415, 429) },
  },
  'GET /form': { summary: 'The embeddable form (an iframe target)', tags: ['partners'], parameters: [partner, lang], responses: { '200': page("The form, framable by the partner's origins."), ...pageErrors(403, 429) } },
  'GET /embed.js': { summary: 'The script that injects the form and resizes its frame', tags: ['partners'], responses: { '200': ok('JavaScript.', content('text/javascript', { type: 'string' })) } },
  'GET /challenge': { summary: "The form's proof-of-work challenge", tags: ['partners'], parameters: [partner], responses: { '200': ok('An ALTCHA challenge.', content(JSON_TYPE, { type: 'object' })), ...errors(403, 429) } },
  'GET /assets/{file}': {
    summary: "The form's styles and scripts",
    tags: ['partners'],
    parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { '200': ok('The file.', { 'text/css': { schema: { type: 'string' } }, 'text/javascript': { schema: { type: 'string' } } }), ...pageErrors(404) },
  },
  'GET /privacy': { summary: 'The privacy notice the consent box links to', tags: ['partners'], parameters: [lang], responses: { '200': page('The notice.') } },
  'GET /schema/case.json': { summary: 'The JSON Schema of the submission', tags: ['standards'], responses: { '200': ok('JSON Schema 2020-12.', content('application/schema+json', ref('schemas', 'CaseSubmission'))) } },
  'GET /schema/case.questionnaire.json': {
    summary: 'The form as an HL7 FHIR R4 Questionnaire',
    description: 'Item linkIds are the dotted field paths of the submission (facility.name); labels in Italian with English translations.',
    tags: ['standards'],
    responses: { '200': ok('A FHIR R4 Questionnaire.', content('application/fhir+json', ref('schemas', 'FhirResource')), revalidated), ...notModified },
  },
  'GET /openapi.json': { summary: 'This document', tags: ['standards'], responses: { '200': ok('OpenAPI 3.1.', content(JSON_TYPE, { type: 'object' }), revalidated), ...notModified } },
  'GET /metrics': {
    summary: 'The latest published figures',
    tags: ['figures'],
    responses: { '200': ok('The latest snapshot.', content(JSON_TYPE, ref('schemas', 'MetricsSnapshot')), revalidated), ...notModified, ...errors(404, 429) },
  },
  'GET /metrics/history': {
    summary: 'Earlier snapshots, newest first',
    tags: ['figures'],
    parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }, { name: 'cursor', in: 'query', schema: { type: 'string', format: 'date-time' } }],
    responses: { '200': ok('Snapshots.', content(JSON_TYPE, { type: 'object', properties: { items: { type: 'array', items: ref('schemas', 'MetricsSnapshot') }, next: { type: 'string' } } })), ...errors(400, 429) },
  },
  'GET /dashboard': { summary: 'Headline figures and charts', tags: ['figures'], parameters: [lang], responses: { '200': page('HTML with SVG charts.'), ...notModified } },
  'GET /report': {
    summary: "The Hub's report regenerated from the approved cases",
    description: 'Organisations involved, the four figures, what was collected by kind, the findings computed with their rules, and the editors’ versioned findings and recommendations; prints to A4.',
    tags: ['figures'],
    parameters: [lang],
    responses: { '200': page('HTML, with a print stylesheet.'), ...notModified },
  },
  'GET /embed/figures': { summary: "The headline figures, framable by partners' sites", tags: ['figures'], parameters: [lang], responses: { '200': page('HTML.'), ...notModified } },
  'GET /catalog': {
    summary: 'Approved cases, public fields only',
    description: 'JSON for scripts, a page for browsers; newest decision first, a page at a time by keyset (follow next and previous).',
    tags: ['catalogue'],
    parameters: [...catalogFilters, ...paging, lang],
    responses: { '200': ok('A page of the catalogue.', { ...content(JSON_TYPE, ref('schemas', 'CatalogPage')), ...content(HTML, { type: 'string' }) }), ...errors(400, 429) },
  },
  'GET /catalog.csv': {
    summary: 'The catalogue as CSV',
    description: 'Pages by size: a Link rel="next" header leads to the rest.',
    tags: ['catalogue'],
    parameters: [...catalogFilters, ref('parameters', 'exportLang'), { name: 'sep', in: 'query', schema: { enum: [...CSV_SEPARATORS], default: ',' } }, ref('parameters', 'cursor')],
    responses: { '200': ok('CSV.', content('text/csv', { type: 'string' })), ...errors(400, 429) },
  },
  'GET /catalog.xlsx': {
    summary: 'The catalogue as a spreadsheet, labelled in the reader’s language',
    tags: ['catalogue'],
    parameters: [...catalogFilters, ref('parameters', 'exportLang'), ref('parameters', 'cursor')],
    responses: { '200': ok('XLSX.', content('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', { type: 'string', contentEncoding: 'binary' })), ...errors(400, 429) },
  },
  'GET /catalog.questionnaire-responses.json': {
    summary: 'Approved cases as FHIR R4 QuestionnaireResponses',
    description:
      'A searchset Bundle of one QuestionnaireResponse per approved case, answering the Questionnaire of /schema/case.questionnaire.json with the public fields only (never contact data); paged like /catalog (link next and previous).',
    tags: ['catalogue', 'standards'],
    parameters: [...catalogFilters, ...paging],
    responses: { '200': ok('A FHIR R4 Bundle.', content('application/fhir+json', ref('schemas', 'FhirResource'))), ...errors(400, 429) },
  },
  'GET /catalog.dha.json': {
    summary: 'The catalogue in the shape of WHO Digital Health Atlas projects',
    description: 'Field names of the Atlas project form; where the Atlas uses its own numeric ids, their English labels. Paged like /catalog.',
    tags: ['catalogue', 'standards'],
    parameters: [...catalogFilters, ...paging],
    responses: { '200': ok('Projects.', content(JSON_TYPE, { type: 'object', required: ['projects'], properties: { projects: { type: 'array', items: { type: 'object' } }, total: { type: 'integer' }, next: { type: 'string' }, previous: { type: 'string' } } })), ...errors(400, 429) },
  },
};

/** The route keys the document describes: every one of `infra/routes.ts` (checked by a test, and by the type). */
export const DOCUMENTED_ROUTES = Object.keys(OPERATIONS) as RouteKey[];

/** The case's schema as a component: without `$id` and `$schema`, which OpenAPI sets for the whole document. */
function caseSchemaComponent(): Json {
  const { $id: _id, $schema: _schema, ...schema } = generateCaseJsonSchema();
  return schema;
}

/**
 * The urlencoded form of the submission: nested fields dotted (`facility.name`), lists as repeated
 * keys, numbers as digits and the consent box as the browser sends it.
 */
function formSchemaComponent(caseSchema: Json): Json {
  const properties: Record<string, Json> = {};
  const required: string[] = [];
  const flatten = (schema: Json, prefix: string, parentRequired: boolean) => {
    const requiredHere = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, value] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      const isRequired = parentRequired && requiredHere.has(name);
      if (value.type === 'object') {
        flatten(value, path, isRequired);
        continue;
      }
      properties[path] =
        value.type === 'integer' ? { type: 'string', pattern: '^[0-9 .,]+$', description: 'Digits; separators of thousands allowed.' }
        : value.type === 'boolean' ? { type: 'string', enum: ['true', 'on', '1', 'yes'] }
        : value;
      if (isRequired) required.push(path);
    }
  };
  flatten(caseSchema, '', true);
  properties[CHALLENGE_FIELD] = { type: 'string', description: 'The solved proof-of-work challenge (GET /challenge), for a post without an API key.' };
  return { type: 'object', properties, required };
}

/** The components every operation refers to. */
function components(): Json {
  const caseSchema = caseSchemaComponent();
  const query = (name: string, schema: Json, description: string) => ({ name, in: 'query', schema, description });
  return {
    securitySchemes: {
      partnerKey: { type: 'http', scheme: 'bearer', description: "A partner's API key (npm run partner-key), for its own system's submissions." },
    },
    parameters: {
      lang: query('lang', { enum: [...LANGUAGES] }, 'The language of the answer and its errors; else Accept-Language, else Italian.'),
      exportLang: query('lang', { enum: [...LANGUAGES] }, 'Column names in this language.'),
      IdempotencyKey: { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 255 }, description: 'Makes a retry of the same body a replay of the first answer.' },
      caseId: { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      reviewId: { name: 'reviewId', in: 'path', required: true, schema: { type: 'string' } },
      token: query('token', { type: 'string' }, 'The secret of the link the case sent by mail.'),
      partner: { ...query('partner', { type: 'string' }, 'A configured partner id.'), required: true },
      kind: query('kind', { enum: [...CASE_KINDS] }, 'Only cases of this kind.'),
      clinicalArea: query('clinicalArea', { enum: [...CLINICAL_AREAS] }, 'Only cases of this clinical area.'),
      telexService: query('telexService', { enum: [...TELEX_SERVICES] }, 'Only cases offering this Tele-X service.'),
      partnerFilter: query('partner', { type: 'string' }, "Only this partner's cases."),
      targetPopulationFilter: query('targetPopulation', { enum: [...TARGET_POPULATIONS] }, 'Only cases for this target population.'),
      medicalDeviceFilter: query('medicalDevice', { enum: [...MEDICAL_DEVICE_CLASSES] }, 'Only cases of this medical device class (MDR).'),
      limit: query('limit', { type: 'integer', minimum: 1, maximum: CATALOG_PAGE.max, default: CATALOG_PAGE.default }, 'Cases a page.'),
      cursor: query('cursor', { type: 'string' }, 'The page after this position: take it from a next link.'),
      before: query('before', { type: 'string' }, 'The page before this position: take it from a previous link.'),
    },
    responses: Object.fromEntries(
      PROBLEM_STATUSES.flatMap((status) => {
        const headers = problemHeaders(status);
        const description = DESCRIPTIONS[status] ?? `Status ${status}.`;
        return [
          [
            `Problem${status}`,
            {
              description: `${description} problem+json; an HTML page of the same status when Accept prefers text/html.`,
              content: { ...content(PROBLEM, ref('schemas', 'Problem')), ...content(HTML, { type: 'string' }) },
              ...(headers ? { headers } : {}),
            },
          ],
          [`Page${status}`, { description: `${description} A page saying so, in the page's language.`, content: content(HTML, { type: 'string' }), ...(headers ? { headers } : {}) }],
        ];
      }),
    ),
    schemas: {
      CaseSubmission: caseSchema,
      CaseSubmissionForm: formSchemaComponent(caseSchema),
      Created: {
        type: 'object',
        required: ['id', 'reference', 'status', 'statusUrl'],
        properties: { id: { type: 'string' }, reference: { type: 'string', pattern: '^HUB-\\d{4}-' }, status: { enum: [...CASE_STATUSES] }, statusUrl: { type: 'string', format: 'uri' } },
      },
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details, in the language of the request.',
        required: ['type', 'title', 'status', 'detail'],
        properties: {
          type: { type: 'string', description: 'urn:hub-intake:problem:<type>' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          instance: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
      CaseStatus: {
        type: 'object',
        required: ['id', 'reference', 'status', 'kind', 'title', 'createdAt', 'updatedAt', 'history'],
        properties: {
          id: { type: 'string' },
          reference: { type: 'string' },
          status: { enum: [...CASE_STATUSES] },
          kind: { enum: [...CASE_KINDS] },
          title: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          decidedAt: { type: 'string', format: 'date-time' },
          awaitingConfirmation: { const: true, description: "Sent through the form: waits for its contact's confirmation." },
          history: {
            type: 'array',
            description:
              'Every transition: when, what, from and to which status, by whom (submitter, reviewer, system), with any note. A review request (`review-requested`) gives its round, attempt and reason, and how many reviewers and coordinators were asked, never who.',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['at', 'type', 'actor'],
              properties: {
                at: { type: 'string', format: 'date-time' },
                type: { type: 'string' },
                from: { type: 'string' },
                to: { type: 'string' },
                actor: { type: 'string' },
                role: { enum: ['reviewer', 'coordinator'] },
                note: { type: 'string' },
                round: { type: 'integer', minimum: 0 },
                attempt: { type: 'integer', minimum: 0 },
                reason: { enum: [...REQUEST_REASONS] },
                asked: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['reviewers', 'coordinators'],
                  properties: { reviewers: { type: 'integer', minimum: 0 }, coordinators: { type: 'integer', minimum: 0 } },
                },
              },
            },
          },
          matches: ref('schemas', 'NeedMatches'),
        },
        additionalProperties: false,
      },
      NeedMatches: {
        type: 'object',
        description: 'An approved need: the approved practices that answer it, ranked by the matching rules of `rulesVersion`, and how to be introduced to their people.',
        additionalProperties: false,
        required: ['rulesVersion', 'introduction', 'practices'],
        properties: {
          rulesVersion: { type: 'string' },
          introduction: {
            type: 'object',
            additionalProperties: false,
            required: ['via'],
            properties: { via: { const: 'hub' }, email: { type: 'string', format: 'email' } },
          },
          practices: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'reference', 'kind', 'title', 'partner', 'partnerName', 'facility', 'clinicalAreas', 'telexServices', 'careSettings', 'targetPopulation', 'technologies', 'decidedAt', 'score', 'reasons', 'why', 'catalogUrl'],
              properties: {
                id: { type: 'string' },
                reference: { type: 'string' },
                kind: { enum: [...CASE_KINDS] },
                title: { type: 'string' },
                partner: { type: 'string' },
                partnerName: { type: 'string' },
                facility: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, code: { type: 'string' } } },
                clinicalAreas: { type: 'array', items: { type: 'string' } },
                telexServices: { type: 'array', items: { type: 'string' } },
                careSettings: { type: 'array', items: { type: 'string' } },
                targetPopulation: { type: 'array', items: { type: 'string' } },
                technologies: { type: 'array', items: { type: 'string' } },
                stage: { type: 'string' },
                medicalDevice: { type: 'string' },
                decidedAt: { type: 'string', format: 'date-time' },
                score: { type: 'integer', minimum: 0 },
                reasons: {
                  type: 'array',
                  items: { type: 'object', required: ['field', 'values'], properties: { field: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } } },
                },
                why: { type: 'string', description: 'The reasons in words, in the language of the request.' },
                catalogUrl: { type: 'string', format: 'uri' },
              },
            },
          },
        },
      },
      CatalogItem: catalogItemSchema(),
      CatalogPage: {
        type: 'object',
        required: ['items', 'total'],
        properties: { items: { type: 'array', items: ref('schemas', 'CatalogItem') }, total: { type: 'integer' }, next: { type: 'string', format: 'uri' }, previous: { type: 'string', format: 'uri' } },
      },
      MetricsSnapshot: {
        type: 'object',
        description: 'Computed by the scheduled aggregation over approved cases only.',
        required: ['generatedAt', 'asOf', 'casesConsidered', 'headline'],
        properties: {
          generatedAt: { type: 'string', format: 'date-time' },
          asOf: { type: 'string', format: 'date-time' },
          casesConsidered: { type: 'integer' },
          headline: { type: 'object', additionalProperties: { type: 'integer' } },
          breakdowns: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } } },
        },
      },
      FhirResource: { type: 'object', required: ['resourceType'], properties: { resourceType: { type: 'string' } }, description: 'A FHIR R4 resource in its JSON form (hl7.org/fhir/R4/json.html).' },
    },
  };
}

/** A catalogue entry: the case's public fields, as the submission's schema describes them, and the catalogue's own. */
function catalogItemSchema(): Json {
  const field = (name: string) => ({ $ref: `#/components/schemas/CaseSubmission/properties/${name}` });
  const caseFields = ['title', 'summary', 'kind', 'partner', 'facility', 'telexServices', 'clinicalAreas', 'careSettings', 'technologies', 'stage', 'patientsImpacted', 'funding', 'reimbursement', 'interoperability', 'startDate', 'targetPopulation', 'medicalDevice'];
  return {
    type: 'object',
    required: ['id', 'reference', 'title', 'summary', 'kind', 'partner', 'partnerName', 'facility', 'clinicalAreas', 'decidedAt'],
    properties: {
      id: { type: 'string' },
      reference: { type: 'string' },
      ...Object.fromEntries(caseFields.map((name) => [name, field(name)])),
      partnerName: { type: 'string' },
      decidedAt: { type: 'string', format: 'date-time' },
      answeringPractices: { type: 'integer', minimum: 0, description: 'For a need: how many approved practices answer it.' },
    },
  };
}

/**
 * The document, with an empty server URL that {@link openApiDocument} fills with the stage's
 * address. The deployed serve-form carries it already generated (`#openapi`,
 * `openapi-document.ts`); the embedded runtime and tests call this.
 */
export function generateOpenApiDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const [key, operation] of Object.entries(OPERATIONS) as [RouteKey, Operation][]) {
    const [method, path] = key.split(' ') as [string, string];
    const operationId = `${method.toLowerCase()}${path.replace(/[{}]/g, '').split(/[/.\-]/).filter(Boolean).map((part) => part[0]!.toUpperCase() + part.slice(1)).join('')}`;
    (paths[path] ??= {})[method.toLowerCase()] = { operationId, ...operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'hub-intake',
      version: '1',
      summary: 'Case intake and review of the Lombardy Digital Health Innovation Hub',
      description:
        'Partners submit cases (by API with a key, or through the embeddable form); reviewers decide from a link; approved cases feed the published figures and the public catalogue. Errors are application/problem+json in the language of the request (it/en).',
    },
    servers: [{ url: '' }],
    tags: ['cases', 'review', 'partners', 'figures', 'catalogue', 'standards'].map((name) => ({ name })),
    paths,
    components: components(),
  };
}
