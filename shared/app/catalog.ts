import { stringify } from 'csv-stringify/sync';
import { CASE_KINDS, CLINICAL_AREAS, LANGUAGES, MEDICAL_DEVICE_CLASSES, TARGET_POPULATIONS, TELEX_SERVICES, type CaseInput, type Language } from '../core/case';
import { InvalidParameter } from '../core/errors';
import { FIELD_LABELS } from '../core/i18n';
import type { Partner } from '../core/partners';

/**
 * The public catalogue of approved cases (`GET /catalog`, `GET /catalog.csv`, `GET /catalog.xlsx`): which fields are
 * public, how the query is read and how a page continues. Contact data and tokens are not public:
 * {@link toCatalogItem} copies the public fields one by one, so a field added to a case stays
 * private until it is added here.
 */

export const CATALOG_PAGE = { default: 20, max: 100 } as const;

/** An approved case as the catalogue store reads it: the byStatus index's attributes plus the summary. */
export type CatalogCase = Pick<CaseInput, 'partner' | 'kind' | 'title' | 'summary' | 'facility' | 'clinicalAreas'> &
  Partial<Pick<CaseInput, 'telexServices' | 'careSettings' | 'technologies' | 'stage' | 'patientsImpacted' | 'funding' | 'reimbursement' | 'interoperability' | 'startDate' | 'targetPopulation' | 'medicalDevice'>> & {
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
  targetPopulation: string[];
  medicalDevice?: string;
  decidedAt: string;
  /** For a need: how many approved practices answer it (see `shared/core/matching.ts`). */
  answeringPractices?: number;
}

/** The filters of the catalogue; every one given must match. */
export interface CatalogFilters {
  kind?: CaseInput['kind'];
  clinicalArea?: (typeof CLINICAL_AREAS)[number];
  telexService?: (typeof TELEX_SERVICES)[number];
  targetPopulation?: (typeof TARGET_POPULATIONS)[number];
  medicalDevice?: (typeof MEDICAL_DEVICE_CLASSES)[number];
  partner?: string;
}

/** Where a page ends: the decision time and id of its last case (the byStatus sort key). */
export interface CatalogPosition {
  at: string;
  id: string;
}

/**
 * One page of the catalogue, by keyset in either direction: `after` a position (the next page, newest
 * decision first) or `before` one (the previous page: the `limit` cases just newer than it). Pages
 * are anchored to cases, not offsets, so a case approved meanwhile shifts no page.
 */
export interface CatalogQuery {
  filters: CatalogFilters;
  limit: number;
  after?: CatalogPosition;
  before?: CatalogPosition;
}

/** A page of approved cases and where its neighbours start: `next` after its last case, `previous` before its first. */
export interface CatalogPage {
  items: CatalogCase[];
  next?: CatalogPosition;
  previous?: CatalogPosition;
}

/** The public fields of a case, and nothing else. */
export function toCatalogItem(item: CatalogCase, partnerName: string | undefined, answeringPractices?: number): CatalogItem {
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
    targetPopulation: list(item.targetPopulation),
    ...(item.medicalDevice !== undefined ? { medicalDevice: item.medicalDevice } : {}),
    decidedAt: item.decidedAt,
    ...(item.kind === 'need' && answeringPractices !== undefined ? { answeringPractices } : {}),
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
      it: 'cursor non è valido: usare i collegamenti next e previous delle pagine del catalogo.',
      en: 'cursor is not valid: use the next and previous links of the catalogue pages.',
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
 * configured partners), and for the paginated route `limit` (1-100, default 20) and either
 * `cursor` (the page after a position) or `before` (the page before one), never both.
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
  const targetPopulation = oneOf('targetPopulation', query.targetPopulation, TARGET_POPULATIONS);
  if (targetPopulation) filters.targetPopulation = targetPopulation;
  const medicalDevice = oneOf('medicalDevice', query.medicalDevice, MEDICAL_DEVICE_CLASSES);
  if (medicalDevice) filters.medicalDevice = medicalDevice;
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
  if (query.cursor && query.before) {
    throw new InvalidParameter({
      it: 'cursor e before non vanno insieme: una pagina segue una posizione o la precede.',
      en: 'cursor and before do not go together: a page follows a position or precedes it.',
    });
  }
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const before = query.before ? decodeCursor(query.before) : undefined;
  return { filters, limit, ...(after ? { after } : {}), ...(before ? { before } : {}) };
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
  /** A page; `before` a position reaching the newest cases gives the first page (with no `previous`). */
  page(query: CatalogQuery): Promise<CatalogPage>;
  /** How many approved cases match the filters. */
  count(filters: CatalogFilters): Promise<number>;
}

/** The columns of the CSV export, in order; columns added later come last, so that a reader counting columns still finds the earlier ones. */
export const CSV_COLUMNS = [
  'id', 'reference', 'title', 'summary', 'kind', 'partner', 'partnerName', 'facilityName', 'facilityCode',
  'telexServices', 'clinicalAreas', 'careSettings', 'technologies', 'stage', 'patientsImpacted', 'funding',
  'reimbursement', 'interoperability', 'startDate', 'decidedAt', 'answeringPractices', 'targetPopulation', 'medicalDevice',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * The column names of the exports for people (the CSV's header with `lang`, the spreadsheet's),
 * the form's field labels where a column is a field.
 */
export const EXPORT_COLUMN_LABELS: Record<CsvColumn, Record<Language, string>> = {
  id: { it: 'Identificativo', en: 'Identifier' },
  reference: { it: 'Riferimento', en: 'Reference' },
  title: FIELD_LABELS.title!,
  summary: FIELD_LABELS.summary!,
  kind: FIELD_LABELS.kind!,
  partner: { it: 'Codice del partner', en: 'Partner id' },
  partnerName: FIELD_LABELS.partner!,
  facilityName: FIELD_LABELS['facility.name']!,
  facilityCode: FIELD_LABELS['facility.code']!,
  telexServices: FIELD_LABELS.telexServices!,
  clinicalAreas: FIELD_LABELS.clinicalAreas!,
  careSettings: FIELD_LABELS.careSettings!,
  technologies: FIELD_LABELS.technologies!,
  stage: FIELD_LABELS.stage!,
  patientsImpacted: FIELD_LABELS.patientsImpacted!,
  funding: FIELD_LABELS.funding!,
  reimbursement: FIELD_LABELS.reimbursement!,
  interoperability: FIELD_LABELS.interoperability!,
  startDate: FIELD_LABELS.startDate!,
  decidedAt: { it: 'Approvato il', en: 'Approved on' },
  targetPopulation: FIELD_LABELS.targetPopulation!,
  medicalDevice: FIELD_LABELS.medicalDevice!,
  answeringPractices: { it: 'Progetti che rispondono al bisogno', en: 'Projects that answer the need' },
};

/** The separators the CSV export can use: `,` by default, `;` for spreadsheets set to Italian. */
export const CSV_SEPARATORS = [',', ';'] as const;
export type CsvSeparator = (typeof CSV_SEPARATORS)[number];

/** How an export is written: the language of its column names (none: the CSV's machine names) and the CSV's separator. */
export interface ExportOptions {
  lang?: Language;
  sep: CsvSeparator;
}

/**
 * Reads `lang` (`it` or `en`) and `sep` (`,` or `;`) of an export. An empty value counts as absent;
 * anything else answers 400, so that a typo does not quietly give another file than the one asked for.
 */
export function parseExportOptions(query: Record<string, string | undefined>): ExportOptions {
  const lang = exportLanguage(query);
  const sep = oneOf('sep', query.sep, CSV_SEPARATORS) ?? ',';
  return { sep, ...(lang ? { lang } : {}) };
}

/** The `lang` an export was asked in, if any: `it` or `en`, else 400. */
export const exportLanguage = (query: Record<string, string | undefined>): Language | undefined => oneOf('lang', query.lang, LANGUAGES);

/** A first character that makes a spreadsheet run a cell as a formula (OWASP's list). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);
/** Characters after which a spreadsheet may start a new cell: either separator, a tab, a new line. */
const CELL_BOUNDARIES = new Set([',', ';', '\t', '\r', '\n']);

/**
 * Text a spreadsheet cannot run, however it splits it: an apostrophe before a formula trigger at the
 * start of the text and after every `,`, `;`, tab or line break (spaces and quotes in between),
 * since Italian Excel splits on `;` and other readers on `,` or tabs, quoted or not.
 */
export function neutraliseCell(text: string): string {
  let out = '';
  let atStart = true;
  for (const char of text) {
    if (atStart && FORMULA_TRIGGERS.has(char)) out += "'";
    out += char;
    atStart = CELL_BOUNDARIES.has(char) || (atStart && (char === ' ' || char === '"'));
  }
  return out;
}

/** What joins a list's codes in a CSV cell: the separator the file does not use between cells. */
export const listJoiner = (sep: CsvSeparator): string => (sep === ',' ? ';' : ',');

function csvRow(item: CatalogItem, sep: CsvSeparator): Record<CsvColumn, string | number> {
  const join = (values: readonly string[]) => values.join(listJoiner(sep));
  const text = neutraliseCell;
  return {
    id: text(item.id),
    reference: text(item.reference),
    title: text(item.title),
    summary: text(item.summary),
    kind: text(item.kind),
    partner: text(item.partner),
    partnerName: text(item.partnerName),
    facilityName: text(item.facility.name),
    facilityCode: text(item.facility.code ?? ''),
    telexServices: text(join(item.telexServices)),
    clinicalAreas: text(join(item.clinicalAreas)),
    careSettings: text(join(item.careSettings)),
    technologies: text(join(item.technologies)),
    stage: text(item.stage ?? ''),
    patientsImpacted: item.patientsImpacted ?? '',
    funding: text(join(item.funding)),
    reimbursement: text(item.reimbursement ?? ''),
    interoperability: text(join(item.interoperability)),
    startDate: text(item.startDate ?? ''),
    decidedAt: text(item.decidedAt),
    targetPopulation: text(join(item.targetPopulation)),
    medicalDevice: text(item.medicalDevice ?? ''),
    answeringPractices: item.answeringPractices ?? '',
  };
}

// Every field quoted, so that no reader takes a `,` or `;` inside a text for a separator.
const csvOptions = (sep: CsvSeparator) => ({ columns: [...CSV_COLUMNS], delimiter: sep, record_delimiter: 'windows', quoted: true, quoted_empty: true }) as const;

const DEFAULT_EXPORT: ExportOptions = { sep: ',' };

/**
 * The first line of every CSV page: a byte order mark, so that Excel reads accents right, and the
 * column names: the machine names of {@link CSV_COLUMNS}, or their labels in `lang`.
 */
export function csvHeader({ lang, sep }: ExportOptions = DEFAULT_EXPORT): string {
  if (!lang) return stringify([], { ...csvOptions(sep), bom: true, header: true });
  const labels = Object.fromEntries(CSV_COLUMNS.map((column) => [column, neutraliseCell(EXPORT_COLUMN_LABELS[column][lang])]));
  return stringify([labels], { ...csvOptions(sep), bom: true });
}

/** One case as a CSV record, its text neutralised ({@link neutraliseCell}). */
export const csvRecord = (item: CatalogItem, { sep }: Pick<ExportOptions, 'sep'> = DEFAULT_EXPORT): string => stringify([csvRow(item, sep)], csvOptions(sep));

/** The catalogue as CSV: a header row, one row per case, lists joined with the other separator. */
export function catalogCsv(items: readonly CatalogItem[], options: ExportOptions = DEFAULT_EXPORT): string {
  return csvHeader(options) + items.map((item) => csvRecord(item, options)).join('');
}

/**
 * The most a CSV page may weigh, counted as it travels in the Lambda response (JSON-escaped:
 * a quote or a line break costs twice): well under Lambda's 6 MB limit, headers included.
 */
export const CSV_PAGE_BYTES = 5_000_000;

/** What a record costs inside the JSON of a Lambda response. */
const responseBytes = (text: string) => Buffer.byteLength(JSON.stringify(text)) - 2;

/**
 * One page of an export: whole cases, newest decision first, from `after` on, each rendered and
 * priced by `render`, up to `budgetBytes` with `fixedBytes` spent before the first (at least one
 * case, so that every page moves on). `next` is where the next page starts when cases are left.
 */
export async function catalogExportPage<T>(
  reader: CatalogReader,
  options: { filters: CatalogFilters; after?: CatalogPosition; budgetBytes: number; fixedBytes: number; render: (item: CatalogCase) => { part: T; bytes: number } },
): Promise<{ parts: T[]; next?: CatalogPosition }> {
  const parts: T[] = [];
  let used = options.fixedBytes;
  let last: CatalogPosition | undefined;
  let after = options.after;
  for (;;) {
    const page = await reader.page({ filters: options.filters, limit: CATALOG_PAGE.max, ...(after ? { after } : {}) });
    for (const item of page.items) {
      const { part, bytes } = options.render(item);
      if (last && used + bytes > options.budgetBytes) return { parts, next: last };
      parts.push(part);
      used += bytes;
      // The byStatus sort key of an approved case is its decision time and id.
      last = { at: item.decidedAt, id: item.id };
    }
    if (!page.next) return { parts };
    after = page.next;
  }
}

/**
 * One page of the CSV export: whole records, newest decision first, from `after` on, up to
 * `budgetBytes` (at least one record, so that every page moves on). `next` is where the next
 * page starts when cases are left.
 */
export async function catalogCsvPage(
  reader: CatalogReader,
  options: { filters: CatalogFilters; toItem: (item: CatalogCase) => CatalogItem; after?: CatalogPosition; budgetBytes?: number; export?: ExportOptions },
): Promise<{ csv: string; next?: CatalogPosition }> {
  const exportOptions = options.export ?? DEFAULT_EXPORT;
  const header = csvHeader(exportOptions);
  const { parts, next } = await catalogExportPage(reader, {
    filters: options.filters,
    ...(options.after ? { after: options.after } : {}),
    budgetBytes: options.budgetBytes ?? CSV_PAGE_BYTES,
    fixedBytes: responseBytes(header),
    render: (item) => {
      const record = csvRecord(options.toItem(item), exportOptions);
      return { part: record, bytes: responseBytes(record) };
    },
  });
  return { csv: header + parts.join(''), ...(next ? { next } : {}) };
}
