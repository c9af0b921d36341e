import { config } from '../../shared/config';
import { caseJsonSchema } from '../../shared/core/case';
import { caseSchema } from '#case-schema';
import { questionnaire } from '#case-questionnaire';
import { openApi } from '#openapi';
import { caseQuestionnaire } from '../../shared/core/questionnaire';
import { createChallenge } from '../../shared/app/challenge';
import { Forbidden, NotFound } from '../../shared/core/errors';
import { frameAncestors } from '../../shared/core/partners';
import { httpHandler } from '../../shared/adapters/http/handler';
import { asset, documentJson, json, jsonDocument, page } from '../../shared/adapters/http/response';
import { ALTCHA_CSS, ALTCHA_JS, ALTCHA_PBKDF2_WORKER_JS, CHALLENGE_CSS, CHALLENGE_JS, EMBED_JS, FORM_JS, HUB_CSS, REPORT_CSS } from '../../shared/adapters/html/assets';
import { renderFormPage } from '../../shared/adapters/html/form';
import { isFramed } from '../../shared/adapters/html/framing';
import { renderPrivacyPage } from '../../shared/adapters/html/privacy';
import type { RouteKey } from '../../infra/routes';

// A Map: the file name is the caller's, and `__proto__` or `toString` must be no asset.
const ASSETS: ReadonlyMap<string, { body: string; type: string }> = new Map([
  ['hub.css', { body: HUB_CSS, type: 'text/css; charset=utf-8' }],
  ['report.css', { body: REPORT_CSS, type: 'text/css; charset=utf-8' }],
  ['form.js', { body: FORM_JS, type: 'text/javascript; charset=utf-8' }],
  // The widget and its setup in one file: the setup runs before the widget can ask for a challenge.
  ['altcha.js', { body: `${ALTCHA_JS}\n${CHALLENGE_JS}`, type: 'text/javascript; charset=utf-8' }],
  ['altcha-pbkdf2.js', { body: ALTCHA_PBKDF2_WORKER_JS, type: 'text/javascript; charset=utf-8' }],
  ['altcha.css', { body: `${ALTCHA_CSS}\n${CHALLENGE_CSS}`, type: 'text/css; charset=utf-8' }],
]);

const DAY = 86_400;

/** The generated documents as served at one address: serialised and tagged once per process. */
const documents = new Map<string, { text: string; etag: string }>();
const served = (name: string, baseUrl: string, build: () => unknown) => {
  const key = `${name} ${baseUrl}`;
  let document = documents.get(key);
  if (!document) documents.set(key, (document = jsonDocument(build())));
  return document;
};

/** Documents for other sites' tools: any origin may read them. */
const OPEN = { 'Access-Control-Allow-Origin': '*' };

/** The partner-facing assets: the embeddable form, embed.js, the JSON Schema, the FHIR Questionnaire, the OpenAPI document, the privacy notice and static files. */
export const handler = httpHandler<RouteKey<'serve-form'>>({
  'GET /form': async (request) => {
    const { query, lang } = request;
    const cfg = config();
    const partner = cfg.partnersById.get(query.partner ?? '');
    if (!partner) throw Forbidden.unknownPartner();
    return page(200, renderFormPage({ partner, lang, framed: isFramed(request) }), {
      frameAncestors: frameAncestors(partner, cfg.ownOrigin),
      headers: { 'Content-Language': lang, Vary: 'Accept-Language, Sec-Fetch-Dest' },
    });
  },

  // The Hub's privacy notice, which the form's consent box links to: the stage's controller and periods.
  'GET /privacy': async ({ lang }) => {
    const cfg = config();
    const facts = {
      controller: cfg.PRIVACY_CONTROLLER,
      contactEmail: cfg.PRIVACY_CONTACT_EMAIL,
      retentionDays: cfg.RETENTION_DAYS,
      confirmWindowSeconds: cfg.CONFIRM_WINDOW_SECONDS,
    };
    return page(200, renderPrivacyPage(facts, lang), { headers: { 'Content-Language': lang, Vary: 'Accept-Language' } });
  },

  // The form's proof-of-work challenge, bound to the partner; the form's widget fetches it.
  'GET /challenge': async (request) => {
    // Called by the widget's fetch, not opened as a page: errors are problem+json.
    request.wantsHtml = false;
    const cfg = config();
    const partner = cfg.partnersById.get(request.query.partner ?? '');
    if (!partner) throw Forbidden.unknownPartner();
    if (!cfg.CHALLENGE_HMAC_KEY) throw new Error('CHALLENGE_HMAC_KEY is not set');
    const challenge = await createChallenge({ partnerId: partner.id, now: new Date(), hmacKey: cfg.CHALLENGE_HMAC_KEY });
    return json(200, challenge, { 'Cache-Control': 'no-store' });
  },

  'GET /embed.js': async () => asset(EMBED_JS, 'text/javascript; charset=utf-8', 3600, { 'Cross-Origin-Resource-Policy': 'cross-origin' }),

  'GET /schema/case.json': async () =>
    json(200, caseJsonSchema(caseSchema(), config().PUBLIC_BASE_URL), {
      'Content-Type': 'application/schema+json; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
      'Access-Control-Allow-Origin': '*',
    }),

  // The form as a FHIR R4 Questionnaire, generated from the same schema, labelled it/en.
  'GET /schema/case.questionnaire.json': async ({ headers }) => {
    const base = config().PUBLIC_BASE_URL;
    const document = served('questionnaire', base, () => caseQuestionnaire(questionnaire(), base));
    return documentJson(headers['if-none-match'], document, { ...OPEN, 'Content-Type': 'application/fhir+json; charset=utf-8' });
  },

  // The OpenAPI 3.1 description of the public API, its server the stage's address.
  'GET /openapi.json': async ({ headers }) => {
    const base = config().PUBLIC_BASE_URL;
    const document = served('openapi', base, () => ({ ...openApi(), servers: [{ url: base }] }));
    return documentJson(headers['if-none-match'], document, OPEN);
  },

  'GET /assets/{file}': async ({ event }) => {
    const file = ASSETS.get(event.pathParameters?.file ?? '');
    if (!file) throw new NotFound();
    return asset(file.body, file.type, DAY);
  },
}, { pages: true });
