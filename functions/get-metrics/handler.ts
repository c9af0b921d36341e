import { createHash } from 'node:crypto';
import type { Language } from '../../shared/core/case';
import { InvalidParameter, NotFound } from '../../shared/core/errors';
import type { MetricsSnapshot } from '../../shared/core/metrics';
import { frameAncestors } from '../../shared/core/partners';
import { httpHandler, type HttpRequest } from '../../shared/adapters/http/handler';
import { json, page, type HttpResult } from '../../shared/adapters/http/response';
import { metricsDeps, reportTextsDeps } from '../../shared/wiring';
import { currentReportTexts } from '../../shared/app/report-texts';
import { REPORT_VERSION, renderReport } from '../../shared/adapters/html/report';
import { DASHBOARD_VERSION, renderDashboard, renderFiguresEmbed } from '../../shared/adapters/html/dashboard';
import type { SafeHtml } from '../../shared/adapters/html/html';
import { ASSET_VERSION } from '../../shared/adapters/html/pages';
import { isFramed } from '../../shared/adapters/html/framing';
import type { RouteKey } from '../../infra/routes';

/** Public figures change at most once per aggregation: let caches keep them a minute, then revalidate. */
const CACHE = 'public, max-age=60, must-revalidate';

/** Answers 304 when the client already holds this entity. */
export function notModified(request: HttpRequest, etag: string): HttpResult | undefined {
  const held = request.headers['if-none-match'];
  if (!held) return undefined;
  const tags = held.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (!tags.includes(etag) && !tags.includes('*')) return undefined;
  return { statusCode: 304, headers: { ETag: etag, 'Cache-Control': CACHE }, body: '' };
}

const HISTORY_MAX = 100;

/**
 * What the pages depend on besides the snapshot: their markup's version and the partners' names
 * and origins. Part of the pages' entity tags, so that a release never revalidates an old page.
 */
function pagesVersion(): string {
  return createHash('sha256')
    .update(JSON.stringify([DASHBOARD_VERSION, REPORT_VERSION, ASSET_VERSION, [...metricsDeps().config.partnersById.values()]]))
    .digest('base64url')
    .slice(0, 8);
}

/** The entity tag of a page: the snapshot's, the page, its language and the pages' version. */
const pageTag = (snapshotEtag: string, name: string, lang: Language) => `"${snapshotEtag.replace(/^W\//, '').replace(/"/g, '')}.${name}.${lang}.${pagesVersion()}"`;

/**
 * A public page of the figures: cached like the JSON, revalidated by an entity tag made from the
 * snapshot's, answered 304 before anything else is read. Errors are pages too.
 */
async function figuresPage(
  request: HttpRequest,
  name: string,
  render: (snapshot: MetricsSnapshot | undefined, lang: Language) => Promise<SafeHtml>,
  options: { frameAncestors?: string; vary?: string; /** What else the page shows, part of its tag (the report's texts version). */ also?: string } = {},
): Promise<HttpResult> {
  request.wantsHtml = true;
  const { lang } = request;
  const vary = options.vary ? `Accept-Language, ${options.vary}` : 'Accept-Language';
  const headers: Record<string, string> = { 'Cache-Control': CACHE, 'Content-Language': lang, Vary: vary };
  const latest = await metricsDeps().metrics.latest();
  if (!latest) return page(200, await render(undefined, lang), { frameAncestors: options.frameAncestors, headers });
  const etag = pageTag(latest.etag, options.also ? `${name}.${options.also}` : name, lang);
  const unchanged = notModified(request, etag);
  if (unchanged) return { ...unchanged, headers: { ...unchanged.headers, Vary: vary } };
  return page(200, await render(latest.snapshot, lang), { frameAncestors: options.frameAncestors, headers: { ...headers, ETag: etag } });
}

/** Every partner's origins may frame the figures: one policy for all of them. */
function allPartnersFrameAncestors(): string {
  const { partnersById, ownOrigin } = metricsDeps().config;
  const origins = [...new Set([...partnersById.values()].flatMap((partner) => partner.origins))];
  return frameAncestors({ origins }, ownOrigin);
}

/** The public metrics: the latest snapshot and its history, as JSON, as the dashboard, as the report and as a frameable figures page. */
export const handler = httpHandler<RouteKey<'get-metrics'>>({
  'GET /metrics': async (request) => {
    const latest = await metricsDeps().metrics.latest();
    if (!latest) throw new NotFound();
    return notModified(request, latest.etag) ?? json(200, latest.snapshot, { ETag: latest.etag, 'Cache-Control': CACHE, 'Access-Control-Allow-Origin': '*' });
  },

  'GET /metrics/history': async ({ query }) => {
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX) {
      throw new InvalidParameter({ it: `limit deve essere un intero tra 1 e ${HISTORY_MAX}.`, en: `limit must be a whole number from 1 to ${HISTORY_MAX}.` });
    }
    // A snapshot's own timestamp, nothing longer: the cursor becomes a sort key.
    const cursor = query.cursor && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(query.cursor) ? query.cursor : undefined;
    const page = await metricsDeps().metrics.history(limit, cursor);
    return json(200, { items: page.items, ...(page.cursor ? { next: `/metrics/history?limit=${limit}&cursor=${encodeURIComponent(page.cursor)}` } : {}) }, {
      'Cache-Control': CACHE,
      'Access-Control-Allow-Origin': '*',
    });
  },

  'GET /dashboard': (request) =>
    figuresPage(request, 'dashboard', async (snapshot, lang) => {
      const partners = metricsDeps().config.partnersById;
      const history = snapshot ? (await metricsDeps().metrics.history(HISTORY_MAX)).items : [];
      return renderDashboard({ lang, snapshot, history, partnerName: (id) => partners.get(id)?.name ?? id, baseUrl: metricsDeps().config.PUBLIC_BASE_URL });
    }),

  'GET /report': async (request) => {
    // The texts are read first: their version is part of the page's entity tag.
    const texts = await currentReportTexts(reportTextsDeps().reportTexts);
    const partners = metricsDeps().config.partnersById;
    return figuresPage(
      request,
      'report',
      async (snapshot, lang) => renderReport({ lang, snapshot, texts, partnerName: (id) => partners.get(id)?.name ?? id, baseUrl: metricsDeps().config.PUBLIC_BASE_URL }),
      { also: `t${texts.version}` },
    );
  },

  'GET /embed/figures': (request) => {
    // In a partner's iframe the page has no landmark of its own (the host page has them).
    const framed = isFramed(request);
    return figuresPage(
      request,
      framed ? 'embed-framed' : 'embed',
      async (snapshot, lang) => renderFiguresEmbed({ lang, snapshot, framed, dashboardUrl: `${metricsDeps().config.PUBLIC_BASE_URL}/dashboard?lang=${lang}` }),
      { frameAncestors: allPartnersFrameAncestors(), vary: 'Sec-Fetch-Dest' },
    );
  },
});
