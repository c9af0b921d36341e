import { InvalidParameter, NotFound } from '../../shared/domain/errors';
import { httpHandler, type HttpRequest } from '../../shared/http/handler';
import { json, type HttpResult } from '../../shared/http/response';
import { deps } from '../../shared/runtime';

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

/** The public metrics: the latest snapshot and its history. */
export const handler = httpHandler({
  'GET /metrics': async (request) => {
    const latest = await deps().metrics.latest();
    if (!latest) throw new NotFound();
    return notModified(request, latest.etag) ?? json(200, latest.snapshot, { ETag: latest.etag, 'Cache-Control': CACHE, 'Access-Control-Allow-Origin': '*' });
  },

  'GET /metrics/history': async ({ query }) => {
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX) {
      throw new InvalidParameter({ it: `limit deve essere un intero tra 1 e ${HISTORY_MAX}.`, en: `limit must be a whole number from 1 to ${HISTORY_MAX}.` });
    }
    const cursor = query.cursor && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(query.cursor) ? query.cursor : undefined;
    const page = await deps().metrics.history(limit, cursor);
    return json(200, { items: page.items, ...(page.cursor ? { next: `/metrics/history?limit=${limit}&cursor=${encodeURIComponent(page.cursor)}` } : {}) }, {
      'Cache-Control': CACHE,
      'Access-Control-Allow-Origin': '*',
    });
  },
});
