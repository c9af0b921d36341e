import type { Language } from '../../core/case';
import { valueLabel } from '../../core/i18n';
import { EXPORT_COLUMN_LABELS, catalogExportPage, type CatalogCase, type CatalogFilters, type CatalogItem, type CatalogPosition, type CatalogReader, type CsvColumn } from '../../app/catalog';
import { MAX_ROW, rowXml, writeWorkbook, type XlsxCell } from './workbook';

type Row = readonly XlsxCell[];

/**
 * The catalogue as a spreadsheet (`GET /catalog.xlsx`), for people: column names in the reader's
 * language, labels instead of codes, codes and every other text as text cells (never a formula, so
 * `=HYPERLINK(...)` in a title stays text and `030906` keeps its zero: see `workbook.ts`), dates
 * as date cells.
 */

type Bilingual = Record<Language, string>;

interface Column {
  label: Bilingual;
  /** In characters, as the spreadsheet measures it. */
  width: number;
  cell: (item: CatalogItem, lang: Language) => XlsxCell;
}

const DATE_FORMAT: Bilingual = { it: 'dd/mm/yyyy', en: 'd mmm yyyy' };
const DATE_TIME_FORMAT: Bilingual = { it: 'dd/mm/yyyy hh:mm', en: 'd mmm yyyy hh:mm' };

/** A text cell, whatever the text: text is written as text, never as a formula. */
const text = (value: string | undefined): XlsxCell => (value === undefined || value === '' ? null : { text: value });
const labels = (values: readonly string[], lang: Language): XlsxCell => text(values.map((value) => valueLabel(value, lang)).join(', '));
const label = (value: string | undefined, lang: Language, field?: string): XlsxCell => text(value === undefined ? undefined : valueLabel(value, lang, field));

/** Built on first use, not at load: a formatter with a time zone costs a cold start more than all its uses. */
let romeFields: Intl.DateTimeFormat | undefined;

/** The Hub's wall-clock time of an instant, as the UTC fields of a Date: spreadsheet dates have no zone. */
export function romeWallClock(instant: Date): Date {
  romeFields ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  const parts = Object.fromEntries(romeFields.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  return new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!));
}

/** `YYYY-MM-DD` as a date cell, the day itself (midnight of no zone). */
function day(value: string | undefined): XlsxCell {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return text(value);
  return { date: new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) };
}

const of = (column: CsvColumn) => EXPORT_COLUMN_LABELS[column];

/** The columns, in order: what people read first, the long summary last. */
const COLUMNS: readonly Column[] = [
  { label: of('reference'), width: 18, cell: (item) => text(item.reference) },
  { label: of('title'), width: 40, cell: (item) => text(item.title) },
  { label: of('kind'), width: 24, cell: (item, lang) => label(item.kind, lang) },
  { label: of('partnerName'), width: 28, cell: (item) => text(item.partnerName) },
  { label: of('facilityName'), width: 32, cell: (item) => text(item.facility.name) },
  { label: of('facilityCode'), width: 14, cell: (item) => text(item.facility.code) },
  { label: of('telexServices'), width: 28, cell: (item, lang) => labels(item.telexServices, lang) },
  { label: of('clinicalAreas'), width: 24, cell: (item, lang) => labels(item.clinicalAreas, lang) },
  { label: of('targetPopulation'), width: 28, cell: (item, lang) => labels(item.targetPopulation, lang) },
  { label: of('careSettings'), width: 24, cell: (item, lang) => labels(item.careSettings, lang) },
  { label: of('technologies'), width: 24, cell: (item, lang) => labels(item.technologies, lang) },
  { label: of('stage'), width: 16, cell: (item, lang) => label(item.stage, lang) },
  {
    label: of('patientsImpacted'), width: 12,
    cell: (item) => (item.patientsImpacted === undefined ? null : { integer: item.patientsImpacted }),
  },
  { label: of('funding'), width: 20, cell: (item, lang) => labels(item.funding, lang) },
  { label: of('reimbursement'), width: 20, cell: (item, lang) => label(item.reimbursement, lang) },
  { label: of('interoperability'), width: 24, cell: (item, lang) => labels(item.interoperability, lang) },
  { label: of('medicalDevice'), width: 22, cell: (item, lang) => label(item.medicalDevice, lang, 'medicalDevice') },
  { label: of('startDate'), width: 12, cell: (item) => day(item.startDate) },
  { label: of('decidedAt'), width: 17, cell: (item) => ({ date: romeWallClock(new Date(item.decidedAt)), time: true }) },
  {
    label: of('answeringPractices'), width: 14,
    cell: (item) => (item.answeringPractices === undefined ? null : { integer: item.answeringPractices }),
  },
  { label: of('summary'), width: 80, cell: (item) => text(item.summary) },
];

/** The column names of the spreadsheet, in `lang`. */
export const workbookHeader = (lang: Language): string[] => COLUMNS.map((column) => column.label[lang]);

/** One case as a row of the spreadsheet. */
export const workbookRow = (item: CatalogItem, lang: Language): XlsxCell[] => COLUMNS.map((column) => column.cell(item, lang));

/** What a row weighs in the sheet's XML, at most: its XML as if it were the sheet's last row. */
export const workbookRowBytes = (row: Row): number => Buffer.byteLength(rowXml(row, MAX_ROW), 'utf8');

/**
 * The most the XML of a page's rows may weigh. A zip never holds more than its files plus a few
 * bytes a block (deflate stores a block it cannot shrink), and Lambda carries the file in base64
 * (4 bytes for 3): 4,000,000 bytes of rows, with the fixed parts, stay under 5.4 MB in the
 * response, under Lambda's 6 MB limit whatever the text, even text that does not compress.
 */
export const XLSX_PAGE_BYTES = 4_000_000;

/** What the parts of a workbook other than the cases' rows weigh at most: header, styles, workbook, the About sheet. */
export const WORKBOOK_FIXED_BYTES = 16_000;

const T = {
  sheet: { it: 'Catalogo', en: 'Catalogue' },
  about: { it: 'Informazioni', en: 'About' },
  title: { it: 'Catalogo dei progetti approvati dello Hub', en: "Catalogue of the Hub's approved projects" },
  generated: { it: 'Generato il', en: 'Generated on' },
  filters: { it: 'Filtri', en: 'Filters' },
  noFilters: { it: 'Nessuno: tutti i casi approvati', en: 'None: every approved case' },
  times: { it: 'Orari', en: 'Times' },
  rome: { it: 'Ora italiana (Europe/Rome)', en: 'Italian time (Europe/Rome)' },
  cases: { it: 'Casi in questo file', en: 'Cases in this file' },
  continued: { it: 'Continua', en: 'Continued' },
  partial: {
    it: 'Questo file contiene una parte del catalogo; la parte successiva si scarica da:',
    en: 'This file holds part of the catalogue; the next part downloads from:',
  },
  filterNames: {
    kind: { it: 'Tipo di caso', en: 'Kind of case' },
    clinicalArea: { it: 'Area clinica', en: 'Clinical area' },
    telexService: { it: 'Servizio di Tele-X', en: 'Tele-X service' },
    targetPopulation: { it: 'Popolazione destinataria', en: 'Target population' },
    medicalDevice: { it: 'Dispositivo medico', en: 'Medical device' },
    partner: { it: 'Partner', en: 'Partner' },
  },
} as const;

export interface WorkbookOptions {
  lang: Language;
  filters: CatalogFilters;
  /** The names of the partners, to show a partner filter by name. */
  partnerName: (id: string) => string;
  generatedAt: Date;
  /** Where the next part of the catalogue downloads from, when this file holds only a part. */
  next?: string;
}

function describeFilters({ filters, lang, partnerName }: WorkbookOptions): string {
  const shown = Object.entries(filters).flatMap(([name, value]) =>
    typeof value === 'string' ? [`${T.filterNames[name as keyof CatalogFilters][lang]}: ${name === 'partner' ? partnerName(value) : valueLabel(value, lang, name)}`] : [],
  );
  return shown.length ? shown.join('; ') : T.noFilters[lang];
}

/** The second sheet: what the file holds, when it was made, and where the rest is when it holds a part. */
function aboutSheet(rows: number, options: WorkbookOptions): Row[] {
  const { lang } = options;
  return [
    [{ text: T.title[lang], bold: true }],
    [text(T.generated[lang]), { date: romeWallClock(options.generatedAt), time: true }],
    [text(T.filters[lang]), text(describeFilters(options))],
    [text(T.cases[lang]), { integer: rows }],
    [text(T.times[lang]), text(T.rome[lang])],
    ...(options.next ? [[text(T.continued[lang]), text(T.partial[lang])], [null, text(options.next)]] : []),
  ];
}

/** The catalogue as an `.xlsx` file: the cases on the first sheet under a frozen header, the About sheet second. */
export function catalogWorkbook(rows: readonly Row[], options: WorkbookOptions): Uint8Array {
  const { lang } = options;
  const header: Row = workbookHeader(lang).map((label) => ({ text: label, bold: true }));
  return writeWorkbook(
    [
      { name: T.sheet[lang], widths: COLUMNS.map((column) => column.width), rows: [header, ...rows], frozenRows: 1 },
      { name: T.about[lang], widths: [24, 80], rows: aboutSheet(rows.length, options) },
    ],
    { date: DATE_FORMAT[lang], dateTime: DATE_TIME_FORMAT[lang] },
  );
}

/**
 * One page of the spreadsheet export: whole cases, newest decision first, from `after` on, whose
 * rows fit `budgetBytes` of XML ({@link XLSX_PAGE_BYTES}; at least one case). When cases are left,
 * `next` is where the next page starts and the About sheet names `nextUrl(next)`.
 */
export async function catalogWorkbookPage(
  reader: CatalogReader,
  options: Omit<WorkbookOptions, 'next'> & {
    toItem: (item: CatalogCase) => CatalogItem;
    after?: CatalogPosition;
    budgetBytes?: number;
    nextUrl: (next: CatalogPosition) => string;
  },
): Promise<{ file: Uint8Array; next?: CatalogPosition }> {
  const { parts: rows, next } = await catalogExportPage(reader, {
    filters: options.filters,
    ...(options.after ? { after: options.after } : {}),
    budgetBytes: options.budgetBytes ?? XLSX_PAGE_BYTES,
    fixedBytes: WORKBOOK_FIXED_BYTES,
    render: (item) => {
      const row = workbookRow(options.toItem(item), options.lang);
      return { part: row, bytes: workbookRowBytes(row) };
    },
  });
  const { lang, filters, partnerName, generatedAt } = options;
  const file = catalogWorkbook(rows, { lang, filters, partnerName, generatedAt, ...(next ? { next: options.nextUrl(next) } : {}) });
  return { file, ...(next ? { next } : {}) };
}

/** The name a download of the spreadsheet is saved under. */
export const workbookFileName = (lang: Language): string => (lang === 'it' ? 'hub-intake-catalogo.xlsx' : 'hub-intake-catalogue.xlsx');

export { XLSX_CONTENT_TYPE } from './workbook';
