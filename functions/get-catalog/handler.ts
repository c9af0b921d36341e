import { config, type Config } from '../../shared/config';
import { CSV_PAGE_BYTES, catalogCsvPage, catalogSearch, decodeCursor, encodeCursor, parseCatalogQuery, toCatalogItem, type CatalogCase } from '../../shared/app/catalog';
import { httpHandler } from '../../shared/adapters/http/handler';
import { asset, json, page, type HttpResult } from '../../shared/adapters/http/response';
import { catalogDeps } from '../../shared/wiring';
import { catalogPage } from '../../shared/adapters/html/catalog';
import type { RouteKey } from '../../infra/routes';

/** Approved cases change only when a reviewer decides: caches may keep a page for a minute. */
const PUBLIC = { 'Cache-Control': 'public, max-age=60', Vary: 'Accept, Accept-Language' };

const publicItems = (cfg: Config, cases: readonly CatalogCase[]) =>
  cases.map((item) => toCatalogItem(item, cfg.partnersById.get(item.partner)?.name));

/**
 * `GET /catalog` (JSON, or HTML for browsers) and `GET /catalog.csv`: approved cases, public fields
 * only. `csvPageBytes` is the CSV page budget ({@link CSV_PAGE_BYTES} unless a test sets a small one).
 */
export const catalogHandler = ({ csvPageBytes = CSV_PAGE_BYTES }: { csvPageBytes?: number } = {}) => httpHandler<RouteKey<'get-catalog'>>({
  'GET /catalog': async (request): Promise<HttpResult> => {
    // Public data: any site may read it, errors included.
    request.responseHeaders['Access-Control-Allow-Origin'] = '*';
    const cfg = config();
    const query = parseCatalogQuery(request.query, cfg.partnersById, { paginated: true });
    const { catalog } = catalogDeps();
    const [result, total] = await Promise.all([catalog.page(query), catalog.count(query.filters)]);
    const items = publicItems(cfg, result.items);
    const cursor = result.next ? encodeCursor(result.next) : undefined;
    const before = result.previous ? encodeCursor(result.previous) : undefined;
    if (request.wantsHtml) {
      const partners = [...cfg.partnersById.values()];
      const { limit, cursor: at, before: until } = request.query;
      const position = { ...(limit ? { limit } : {}), ...(at ? { cursor: at } : {}), ...(until ? { before: until } : {}) };
      return page(
        200,
        catalogPage({ lang: request.lang, items, filters: query.filters, partners, total, position, ...(cursor ? { nextCursor: cursor } : {}), ...(before ? { previousCursor: before } : {}) }),
        { headers: { ...PUBLIC, 'Content-Language': request.lang } },
      );
    }
    const link = (extra: Record<string, string>) => `${cfg.PUBLIC_BASE_URL}/catalog${catalogSearch(query.filters, { limit: query.limit, ...extra })}`;
    return json(200, { items, total, ...(cursor ? { next: link({ cursor }) } : {}), ...(before ? { previous: link({ before }) } : {}) }, PUBLIC);
  },

  // Pages by size, not count, to stay under Lambda's 6 MB response limit: a `Link: <...>; rel="next"`
  // header leads to the rest, each page a whole CSV file with its header row.
  'GET /catalog.csv': async (request): Promise<HttpResult> => {
    request.responseHeaders['Access-Control-Allow-Origin'] = '*';
    const cfg = config();
    const { filters } = parseCatalogQuery(request.query, cfg.partnersById, { paginated: false });
    const after = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
    const toItem = (item: CatalogCase) => toCatalogItem(item, cfg.partnersById.get(item.partner)?.name);
    const { csv, next } = await catalogCsvPage(catalogDeps().catalog, { filters, toItem, budgetBytes: csvPageBytes, ...(after ? { after } : {}) });
    const link: Record<string, string> = next
      ? { Link: `<${cfg.PUBLIC_BASE_URL}/catalog.csv${catalogSearch(filters, { cursor: encodeCursor(next) })}>; rel="next"` }
      : {};
    return asset(csv, 'text/csv; charset=utf-8', 60, {
      Vary: PUBLIC.Vary,
      'Content-Disposition': 'attachment; filename="hub-intake-catalog.csv"',
      ...link,
    });
  },
});

export const handler = catalogHandler();
