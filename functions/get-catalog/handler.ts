import { config, type Config } from '../../shared/config';
import {
  CSV_PAGE_BYTES, catalogCsvPage, catalogSearch, decodeCursor, encodeCursor, exportLanguage, parseCatalogQuery,
  parseExportOptions, toCatalogItem, type CatalogCase, type CatalogFilters, type CatalogPosition, type ExportOptions,
} from '../../shared/app/catalog';
import { practiceCounter } from '../../shared/app/matching';
import { dhaExport, responseBundle, type ExportLinks } from '../../shared/app/catalog-standards';
import { caseQuestionnaire } from '../../shared/core/questionnaire';
import { questionnaire } from '#case-questionnaire';
import { httpHandler, type HttpRequest } from '../../shared/adapters/http/handler';
import { asset, json, page, type HttpResult } from '../../shared/adapters/http/response';
import { catalogDeps } from '../../shared/wiring';
import { catalogPage } from '../../shared/adapters/html/catalog';
import { XLSX_CONTENT_TYPE, XLSX_PAGE_BYTES, catalogWorkbookPage, workbookFileName } from '../../shared/adapters/xlsx/catalog-workbook';
import type { RouteKey } from '../../infra/routes';

/** Approved cases change only when a reviewer decides: caches may keep a page for a minute. */
const PUBLIC = { 'Cache-Control': 'public, max-age=60', Vary: 'Accept, Accept-Language' };

const publicItems = (cfg: Config, cases: readonly CatalogCase[], answering: (item: CatalogCase) => number | undefined) =>
  cases.map((item) => toCatalogItem(item, cfg.partnersById.get(item.partner)?.name, answering(item)));

/** Whether an export with these filters may hold needs, whose counts read the approved practices. */
const mayHoldNeeds = (filters: CatalogFilters) => filters.kind === undefined || filters.kind === 'need';

/**
 * One page of approved cases as `/catalog` reads it (filters, `limit`, `cursor` or `before`), with
 * the addresses of this page and its neighbours at `path`.
 */
async function readPage(request: HttpRequest, path: string) {
  const cfg = config();
  const query = parseCatalogQuery(request.query, cfg.partnersById, { paginated: true });
  const { catalog, approvedCases } = catalogDeps();
  const [result, total] = await Promise.all([catalog.page(query), catalog.count(query.filters)]);
  const answering = await practiceCounter(approvedCases, result.items.some((item) => item.kind === 'need'));
  const link = (extra: Record<string, string>) => `${cfg.PUBLIC_BASE_URL}${path}${catalogSearch(query.filters, { limit: query.limit, ...extra })}`;
  const { cursor, before } = request.query;
  const links: ExportLinks = {
    self: link({ ...(cursor ? { cursor } : {}), ...(before ? { before } : {}) }),
    ...(result.next ? { next: link({ cursor: encodeCursor(result.next) }) } : {}),
    ...(result.previous ? { previous: link({ before: encodeCursor(result.previous) }) } : {}),
  };
  return { cfg, total, items: publicItems(cfg, result.items, answering), links };
}

/** The name a CSV download is saved under: the machine name without `lang`, else in its language. */
const csvFileName = ({ lang }: ExportOptions) => (lang === 'it' ? 'hub-intake-catalogo.csv' : lang === 'en' ? 'hub-intake-catalogue.csv' : 'hub-intake-catalog.csv');

/**
 * `GET /catalog` (JSON, or HTML for browsers), `GET /catalog.csv` and `GET /catalog.xlsx`: approved
 * cases, public fields only. `csvPageBytes` and `xlsxPageBytes` are the page budgets of the exports
 * ({@link CSV_PAGE_BYTES}, {@link XLSX_PAGE_BYTES} unless a test sets small ones).
 */
export const catalogHandler = ({ csvPageBytes = CSV_PAGE_BYTES, xlsxPageBytes = XLSX_PAGE_BYTES }: { csvPageBytes?: number; xlsxPageBytes?: number } = {}) => httpHandler<RouteKey<'get-catalog'>>({
  'GET /catalog': async (request): Promise<HttpResult> => {
    // Public data: any site may read it, errors included.
    request.responseHeaders['Access-Control-Allow-Origin'] = '*';
    const cfg = config();
    const query = parseCatalogQuery(request.query, cfg.partnersById, { paginated: true });
    const { catalog, approvedCases } = catalogDeps();
    const [result, total] = await Promise.all([catalog.page(query), catalog.count(query.filters)]);
    // A need shows how many approved practices answer it: read only for a page that holds one.
    const answering = await practiceCounter(approvedCases, result.items.some((item) => item.kind === 'need'));
    const items = publicItems(cfg, result.items, answering);
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

  // The catalogue in HL7 FHIR R4: a searchset Bundle of QuestionnaireResponses to the form's
  // Questionnaire, paged as /catalog is (Bundle.link next and previous).
  'GET /catalog.questionnaire-responses.json': async (request): Promise<HttpResult> => {
    request.responseHeaders['Access-Control-Allow-Origin'] = '*';
    const { cfg, items, total, links } = await readPage(request, '/catalog.questionnaire-responses.json');
    const form = caseQuestionnaire(questionnaire(), cfg.PUBLIC_BASE_URL);
    return json(200, responseBundle(form, items, { total, links, now: new Date() }), { ...PUBLIC, 'Content-Type': 'application/fhir+json; charset=utf-8' });
  },

  // The catalogue as WHO Digital Health Atlas projects (README.md, "Standard exports", has the mapping).
  'GET /catalog.dha.json': async (request): Promise<HttpResult> => {
    request.responseHeaders['Access-Control-Allow-Origin'] = '*';
    const { items, total, links } = await readPage(request, '/catalog.dha.json');
    return json(200, dhaExport(items, { total, links, now: new Date() }), PUBLIC);
  },

  // Pages by size, not count, to stay under Lambda's 6 MB response limit: a `Link: <...>; rel="next"`
  // header leads to the rest, each page a whole CSV file with its header row.
  'GET /catalog.csv': async (request): Promise<HttpResult> => {
    request.responseHeaders['Access-Control-Allow-Origin'] = '*';
    const cfg = config();
    const { filters } = parseCatalogQuery(request.query, cfg.partnersById, { paginated: false });
    const options = parseExportOptions(request.query);
    const after = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
    const { catalog, approvedCases } = catalogDeps();
    const answering = await practiceCounter(approvedCases, mayHoldNeeds(filters));
    const toItem = (item: CatalogCase) => toCatalogItem(item, cfg.partnersById.get(item.partner)?.name, answering(item));
    const { csv, next } = await catalogCsvPage(catalog, { filters, toItem, budgetBytes: csvPageBytes, export: options, ...(after ? { after } : {}) });
    const search = (cursor: string) => catalogSearch(filters, { lang: options.lang, sep: options.sep === ',' ? undefined : options.sep, cursor });
    const link: Record<string, string> = next ? { Link: `<${cfg.PUBLIC_BASE_URL}/catalog.csv${search(encodeCursor(next))}>; rel="next"` } : {};
    return asset(csv, 'text/csv; charset=utf-8', 60, {
      Vary: PUBLIC.Vary,
      'Content-Disposition': `attachment; filename="${csvFileName(options)}"`,
      ...(options.lang ? { 'Content-Language': options.lang } : {}),
      ...link,
    });
  },

  // The spreadsheet, in the reader's language (`lang`, else Accept-Language, else Italian). Pages by
  // the size of its XML, which bounds the zip whatever the text (see XLSX_PAGE_BYTES); a file that
  // holds a part says where the next part is on its About sheet and in a `Link` header.
  'GET /catalog.xlsx': async (request): Promise<HttpResult> => {
    request.responseHeaders['Access-Control-Allow-Origin'] = '*';
    const cfg = config();
    const { filters } = parseCatalogQuery(request.query, cfg.partnersById, { paginated: false });
    const lang = exportLanguage(request.query) ?? request.lang;
    const after = request.query.cursor ? decodeCursor(request.query.cursor) : undefined;
    const partnerName = (id: string) => cfg.partnersById.get(id)?.name ?? id;
    // The next part keeps the language of this one, whatever the next request's Accept-Language.
    const nextUrl = (position: CatalogPosition) => `${cfg.PUBLIC_BASE_URL}/catalog.xlsx${catalogSearch(filters, { lang, cursor: encodeCursor(position) })}`;
    const { catalog, approvedCases } = catalogDeps();
    const answering = await practiceCounter(approvedCases, mayHoldNeeds(filters));
    const { file, next } = await catalogWorkbookPage(catalog, {
      filters, lang, partnerName, generatedAt: new Date(), nextUrl, budgetBytes: xlsxPageBytes,
      toItem: (item) => toCatalogItem(item, partnerName(item.partner), answering(item)),
      ...(after ? { after } : {}),
    });
    return asset(file, XLSX_CONTENT_TYPE, 60, {
      Vary: PUBLIC.Vary,
      'Content-Disposition': `attachment; filename="${workbookFileName(lang)}"`,
      'Content-Language': lang,
      ...(next ? { Link: `<${nextUrl(next)}>; rel="next"` } : {}),
    });
  },
});

export const handler = catalogHandler();
