import { stringify } from 'csv-stringify/sync';
import { CASE_KINDS, CLINICAL_AREAS, TELEX_SERVICES, type CaseInput } from './case';
import { InvalidParameter } from './errors';
import type { Partner } from './partners';

/**
 * The public catalogue of approved cases (`GET /catalog`, `GET /catalog.csv`): which fields are
 * public, how the query is read and how a page continues. Contact data and tokens are not public:
 * {@link toCatalogItem} copies the public fields one by one, so a field added to a case stays
 * private until it is added here.
 */

export const CATALOG_PAGE = { default: 20, max: 100 } as const;

/** An approved case as the catalogue store reads it: the byStatus index's attributes plus the summary. */
export type CatalogCase = Pick<CaseInput, 'partner' | 'kind' | 'title' | 'summary' | 'facility' | 'clinicalAreas'> &
  Partial<Pick<CaseInput, 'telexServices' | 'careSettings' | 'technologies' | 'stage' | 'patientsImpacted' | 'funding' | 'reimbursement' | 'interoperability' | 'startDate'>> & {
    id: string;
    reference: string;
    decidedAt: string;
  };

/** One case of the public catalogue. Lists are always present (maybe empty); absent scalars are left out. */
export interface CatalogItem {
  id: string;
  reference: string;
  title: string;
  summary: string;
  kind: CaseInput['kind'];
  partner: string;
  partnerName: string;
  facility: { name: string; code?: string };
  telexServices: string[];
  clinicalAreas: string[];
  careSettings: string[];
  technologies: string[];
  stage?: string;
  patientsImpacted?: number;
  funding: string[];
  reimbursement?: string;
  interoperability: string[];
  startDate?: string;
  decidedAt: string;
}

/** The filters of the catalogue; every one given must match. */
export interface CatalogFilters {
  kind?: CaseInput['kind'];
  clinicalArea?: (typeof CLINICAL_AREAS)[number];
  telexService?: (typeof TELEX_SERVICES)[number];
  partner?: string;
}

/** Where a page ends: the decision time and id of its last case (the byStatus sort key). */
export interface CatalogPosition {
  at: string;
  id: string;
}

export interface CatalogQuery {
  filters: CatalogFilters;
  limit: number;
  after?: CatalogPosition;
}

/** The public fields of a case, and nothing else. */
export function toCatalogItem(item: CatalogCase, partnerName: string | undefined): CatalogItem {
  const list = (values: readonly string[] | undefined) => [...(values ?? [])];
  return {
    id: item.id,
    reference: item.reference,
    title: item.title,
    summary: item.summary,
    kind: item.kind,
    partner: item.partner,
    partnerName: partnerName ?? item.partner,
    facility: { name: item.facility.name, ...(item.facility.code ? { code: item.facility.code } : {}) },
    telexServices: list(item.telexServices),
    clinicalAreas: list(item.clinicalAreas),
    careSettings: list(item.careSettings),
    technologies: list(item.technologies),
    ...(item.stage !== undefined ? { stage: item.stage } : {}),
    ...(item.patientsImpacted !== undefined ? { patientsImpacted: item.patientsImpacted } : {}),
    funding: list(item.funding),
    ...(item.reimbursement !== undefined ? { reimbursement: item.reimbursement } : {}),
    interoperability: list(item.interoperability),
    ...(item.startDate !== undefined ? { startDate: item.startDate } : {}),
    decidedAt: item.decidedAt,
  };
}

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)#([0-9A-HJKMNP-TV-Z]{26})$/;

/** The opaque cursor of a position: clients pass it back, never build it. */
export function encodeCursor(position: CatalogPosition): string {
  return Buffer.from(`${position.at}#${position.id}`, 'utf8').toString('base64url');
}

function invalid(name: string, value: string, allowed?: readonly string[]): InvalidParameter {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return new InvalidParameter(
    allowed
      ? { it: `${name} non ammette il valore "${shown}"; valori possibili: ${allowed.join(', ')}.`, en: `${name} does not accept "${shown}"; allowed: ${allowed.join(', ')}.` }
      : { it: `${name} non è valido: "${shown}".`, en: `${name} is not valid: "${shown}".` },
  );
}

/** Reads a cursor back; anything that is not one of ours is refused. */
export function decodeCursor(cursor: string): CatalogPosition {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = POSITION.exec(decoded);
  if (!match) {
    throw new InvalidParameter({
      it: 'cursor non è valido: usare il collegamento next della pagina precedente.',
      en: 'cursor is not valid: use the next link of the previous page.',
    });
  }
  return { at: match[1]!, id: match[2]! };
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw invalid(name, value, allowed);
  return value as T;
}

/**
 * Reads the catalogue's query string: the filters (checked against the enumerations and the
 * configured partners), and for the paginated route `limit` (1-100, default 20) and `cursor`.
 * An unknown value answers 400 rather than an empty list, so a typo is not taken for "no cases".
 */
export function parseCatalogQuery(
  query: Record<string, string | undefined>,
  partners: ReadonlyMap<string, Partner>,
  options: { paginated: boolean },
): CatalogQuery {
  const filters: CatalogFilters = {};
  const kind = oneOf('kind', query.kind, CASE_KINDS);
  if (kind) filters.kind = kind;
  const clinicalArea = oneOf('clinicalArea', query.clinicalArea, CLINICAL_AREAS);
  if (clinicalArea) filters.clinicalArea = clinicalArea;
  const telexService = oneOf('telexService', query.telexService, TELEX_SERVICES);
  if (telexService) filters.telexService = telexService;
  const partner = oneOf('partner', query.partner, [...partners.keys()]);
  if (partner) filters.partner = partner;
  if (!options.paginated) return { filters, limit: CATALOG_PAGE.max };

  let limit: number = CATALOG_PAGE.default;
  if (query.limit !== undefined) {
    limit = /^\d{1,3}$/.test(query.limit) ? Number(query.limit) : NaN;
    if (!(limit >= 1 && limit <= CATALOG_PAGE.max)) {
      throw new InvalidParameter({
        it: `limit deve essere un intero tra 1 e ${CATALOG_PAGE.max}.`,
        en: `limit must be a whole number from 1 to ${CATALOG_PAGE.max}.`,
      });
    }
  }
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  return { filters, limit, ...(after ? { after } : {}) };
}

/** The query string of a catalogue page: filters first, in a fixed order, then limit and cursor. */
export function catalogSearch(filters: CatalogFilters, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, ...extra })) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** A reader of approved cases, a page at a time: what the catalogue needs of the store. */
export interface CatalogReader {
  page(query: CatalogQuery): Promise<{ items: CatalogCase[]; next?: CatalogPosition }>;
}

/** Every approved case that matches, newest decision first, read a full page at a time. */
export async function allCatalogCases(reader: CatalogReader, filters: CatalogFilters): Promise<CatalogCase[]> {
  const items: CatalogCase[] = [];
  let after: CatalogPosition | undefined;
  do {
    const page = await reader.page({ filters, limit: CATALOG_PAGE.max, ...(after ? { after } : {}) });
    items.push(...page.items);
    after = page.next;
  } while (after);
  return items;
}

/** The columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'id', 'reference', 'title', 'summary', 'kind', 'partner', 'partnerName', 'facilityName', 'facilityCode',
  'telexServices', 'clinicalAreas', 'careSettings', 'technologies', 'stage', 'patientsImpacted', 'funding',
  'reimbursement', 'interoperability', 'startDate', 'decidedAt',
] as const;

function csvRow(item: CatalogItem): Record<(typeof CSV_COLUMNS)[number], string | number> {
  const join = (values: readonly string[]) => values.join(';');
  return {
    id: item.id,
    reference: item.reference,
    title: item.title,
    summary: item.summary,
    kind: item.kind,
    partner: item.partner,
    partnerName: item.partnerName,
    facilityName: item.facility.name,
    facilityCode: item.facility.code ?? '',
    telexServices: join(item.telexServices),
    clinicalAreas: join(item.clinicalAreas),
    careSettings: join(item.careSettings),
    technologies: join(item.technologies),
    stage: item.stage ?? '',
    patientsImpacted: item.patientsImpacted ?? '',
    funding: join(item.funding),
    reimbursement: item.reimbursement ?? '',
    interoperability: join(item.interoperability),
    startDate: item.startDate ?? '',
    decidedAt: item.decidedAt,
  };
}

/**
 * The catalogue as CSV: a header row, one row per case, lists joined with `;`. UTF-8 with a byte
 * order mark so that Excel reads accents right; a text cell that a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading apostrophe.
 */
export function catalogCsv(items: readonly CatalogItem[]): string {
  return stringify(items.map(csvRow), {
    bom: true,
    header: true,
    columns: [...CSV_COLUMNS],
    record_delimiter: 'windows',
    escape_formulas: true,
  });
}
