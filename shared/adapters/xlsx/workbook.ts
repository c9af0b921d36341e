import { strToU8, zipSync } from 'fflate';

/**
 * A small writer of `.xlsx` workbooks (Office Open XML, ECMA-376): typed cells in, the zip out
 * (fflate). It writes what an export needs and nothing else: text, whole numbers and dates, bold
 * headers, column widths and frozen header rows.
 *
 * Text is always an inline string (`t="inlineStr"`) in a cell formatted as text (`@`): never a
 * formula, so `=HYPERLINK(...)` stays the text it is, `030906` keeps its zero, and a spreadsheet
 * that edits the cell keeps it text. There is no shared-string table, whose lookups are where
 * the lean writers on npm go wrong (a cell reading `constructor` or `toString` breaks the file).
 */

export type XlsxCell =
  | { text: string; bold?: boolean }
  | { integer: number }
  /** A day or a date and time: the Date's UTC fields are what the cell shows (spreadsheet dates have no zone). */
  | { date: Date; time?: boolean }
  | null;

export interface XlsxSheet {
  /** At most 31 characters, none of `[]:*?/\`. */
  name: string;
  /** Column widths, in characters. */
  widths: readonly number[];
  rows: readonly (readonly XlsxCell[])[];
  /** Rows kept in view as the sheet scrolls: the header. */
  frozenRows?: number;
}

export interface XlsxFormats {
  /** Number format codes of the date cells, as Excel spells them: `dd/mm/yyyy`, `dd/mm/yyyy hh:mm`. */
  date: string;
  dateTime: string;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** The cell styles of `styles.xml`, by index. */
const STYLE = { text: 1, bold: 2, integer: 3, date: 4, dateTime: 5 } as const;

/** Characters XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/FFFF): dropped. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML character data or attribute value; a carriage return as a reference, which XML readers keep (a bare one they turn into a line feed). */
export const escapeXml = (text: string): string =>
  text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;');

/** The column letters of a 0-based index: 0 is A, 26 is AA. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Days since 1899-12-30, Excel's serial date (the 1900 leap-year quirk is before any date we write). */
const serial = (date: Date) => date.getTime() / 86_400_000 + 25_569;

function cellXml(cell: XlsxCell, ref: string): string {
  if (cell === null) return '';
  if ('text' in cell) {
    return `<c r="${ref}" s="${cell.bold ? STYLE.bold : STYLE.text}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(cell.text)}</t></is></c>`;
  }
  if ('integer' in cell) return `<c r="${ref}" s="${STYLE.integer}"><v>${Math.trunc(cell.integer)}</v></c>`;
  return `<c r="${ref}" s="${cell.time ? STYLE.dateTime : STYLE.date}"><v>${serial(cell.date)}</v></c>`;
}

/** One row of a sheet's XML; `number` is 1-based. */
export function rowXml(cells: readonly XlsxCell[], number: number): string {
  return `<row r="${number}">${cells.map((cell, index) => cellXml(cell, `${columnName(index)}${number}`)).join('')}</row>`;
}

/** The last row a sheet can have: a row priced at this number weighs at least what it will. */
export const MAX_ROW = 1_048_576;

function sheetXml(sheet: XlsxSheet, selected: boolean): string {
  const frozen = sheet.frozenRows
    ? `<pane ySplit="${sheet.frozenRows}" topLeftCell="A${sheet.frozenRows + 1}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A${sheet.frozenRows + 1}" sqref="A${sheet.frozenRows + 1}"/>`
    : '';
  const cols = sheet.widths.map((width, i) => `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`).join('');
  return `${XML_HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><sheetViews><sheetView${selected ? ' tabSelected="1"' : ''} workbookViewId="0">${frozen}</sheetView></sheetViews>`
    + `<sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ''}<sheetData>${sheet.rows.map((row, i) => rowXml(row, i + 1)).join('')}</sheetData></worksheet>`;
}

function stylesXml(formats: XlsxFormats): string {
  const xf = (numFmtId: number, fontId = 0) => `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"${fontId ? ' applyFont="1"' : ''}/>`;
  return `${XML_HEAD}<styleSheet xmlns="${MAIN}">`
    + `<numFmts count="2"><numFmt numFmtId="164" formatCode="${escapeXml(formats.date)}"/><numFmt numFmtId="165" formatCode="${escapeXml(formats.dateTime)}"/></numFmts>`
    + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    + '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    // In the order of STYLE: general, text (@ is built-in 49), bold text, #,##0 (built-in 3), date, date and time.
    + `<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>${xf(49)}${xf(49, 1)}${xf(3)}${xf(164)}${xf(165)}</cellXfs>`
    + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';
}

/** The workbook as the bytes of an `.xlsx` file, its sheets in order (the first selected). */
export function writeWorkbook(sheets: readonly XlsxSheet[], formats: XlsxFormats): Uint8Array {
  const sheetPart = (i: number) => `worksheets/sheet${i + 1}.xml`;
  const files: Record<string, string> = {
    '[Content_Types].xml': `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
      + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
      + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
      + sheets.map((_, i) => `<Override PartName="/xl/${sheetPart(i)}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')
      + '</Types>',
    '_rels/.rels': `${XML_HEAD}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${XML_HEAD}<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>`
      + sheets.map((sheet, i) => `<sheet name="${escapeXml(sheet.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')
      + '</sheets></workbook>',
    'xl/_rels/workbook.xml.rels': `${XML_HEAD}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">`
      + sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${RELATIONSHIPS}/worksheet" Target="${sheetPart(i)}"/>`).join('')
      + `<Relationship Id="rId${sheets.length + 1}" Type="${RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>`,
    'xl/styles.xml': stylesXml(formats),
  };
  sheets.forEach((sheet, i) => (files[`xl/${sheetPart(i)}`] = sheetXml(sheet, i === 0)));
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, xml]) => [path, strToU8(xml)])), { level: 6 });
}
