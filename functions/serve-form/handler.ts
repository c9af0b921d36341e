import { config } from '../../shared/config';
import { caseJsonSchema } from '../../shared/domain/case';
import { Forbidden, NotFound } from '../../shared/domain/errors';
import { frameAncestors } from '../../shared/domain/partners';
import { httpHandler } from '../../shared/http/handler';
import { asset, json, page } from '../../shared/http/response';
import { EMBED_JS, FORM_JS, HUB_CSS } from '../../shared/views/assets';
import { renderFormPage } from '../../shared/views/form';

// A Map: the file name is the caller's, and `__proto__` or `toString` must be no asset.
const ASSETS: ReadonlyMap<string, { body: string; type: string }> = new Map([
  ['hub.css', { body: HUB_CSS, type: 'text/css; charset=utf-8' }],
  ['form.js', { body: FORM_JS, type: 'text/javascript; charset=utf-8' }],
]);

const DAY = 86_400;

/** The partner-facing assets: the embeddable form, embed.js, the JSON Schema and static files. */
export const handler = httpHandler({
  'GET /form': async ({ query, lang }) => {
    const cfg = config();
    const partner = cfg.partnersById.get(query.partner ?? '');
    if (!partner) throw Forbidden.unknownPartner();
    return page(200, renderFormPage({ partner, lang }), {
      frameAncestors: frameAncestors(partner, cfg.ownOrigin),
      headers: { 'Content-Language': lang, Vary: 'Accept-Language' },
    });
  },

  'GET /embed.js': async () => asset(EMBED_JS, 'text/javascript; charset=utf-8', 3600, { 'Cross-Origin-Resource-Policy': 'cross-origin' }),

  'GET /schema/case.json': async () =>
    json(200, caseJsonSchema(config().PUBLIC_BASE_URL), {
      'Content-Type': 'application/schema+json; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
      'Access-Control-Allow-Origin': '*',
    }),

  'GET /assets/{file}': async ({ event }) => {
    const file = ASSETS.get(event.pathParameters?.file ?? '');
    if (!file) throw new NotFound();
    return asset(file.body, file.type, DAY);
  },
}, { pages: true });
