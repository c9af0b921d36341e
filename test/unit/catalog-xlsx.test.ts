import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import readExcelFile from 'read-excel-file/node';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toCatalogItem, type CatalogCase, type CatalogQuery, type CatalogReader } from '../../shared/app/catalog';
import { catalogWorkbook, catalogWorkbookPage, romeWallClock, workbookRow, XLSX_PAGE_BYTES, type WorkbookOptions } from '../../shared/adapters/xlsx/catalog-workbook';
import { columnName, escapeXml, writeWorkbook } from '../../shared/adapters/xlsx/workbook';

function catalogCase(index: number, overrides: Partial<CatalogCase> = {}): CatalogCase {
  return {
    id: `01J${String(index).padStart(23, '0')}`,
    reference: `HUB-2026-${String(index).padStart(6, '0')}`,
    partner: 'humanitas',
    kind: 'telex',
    title: `Caso ${index}`,
    summary: `Sintesi del caso numero ${index}, abbastanza lunga per lo schema.`,
    facility: { name: 'Humanitas Research Hospital', code: '030906' },
    clinicalAreas: ['cardiology', 'rehabilitation'],
    telexServices: ['televisita', 'telemonitoraggio'],
    stage: 'active',
    patientsImpacted: 59200,
    funding: ['pnrr'],
    startDate: '2025-03-01',
    // 10:15 UTC on 2 March 2026 is 11:15 in Milan (CET); in July it would be 12:15 (CEST).
    decidedAt: new Date(Date.UTC(2026, 2, 2, 10, 15) - index * 60_000).toISOString(),
    ...overrides,
  };
}

const item = (c: CatalogCase) => toCatalogItem(c, 'Humanitas');
const options = (lang: 'it' | 'en', extra: Partial<WorkbookOptions> = {}): WorkbookOptions => ({
  lang, filters: {}, partnerName: (id) => id, generatedAt: new Date('2026-07-01T08:00:00Z'), ...extra,
});
const workbook = (cases: CatalogCase[], lang: 'it' | 'en', extra: Partial<WorkbookOptions> = {}) =>
  catalogWorkbook(cases.map((c) => workbookRow(item(c), lang)), options(lang, extra));

/** The workbook as a spreadsheet program reads it: every sheet's values (text untrimmed). */
const read = async (file: Uint8Array) => readExcelFile(Buffer.from(file), { trim: false });

/** The XML parts of the file, as stored. */
const parts = (file: Uint8Array) => Object.fromEntries(Object.entries(unzipSync(file)).map(([path, bytes]) => [path, strFromU8(bytes)]));

/** Every cell of the first sheet: its reference, attributes and inner XML. */
function cells(file: Uint8Array): { ref: string; style: string; type?: string; inner: string }[] {
  const sheet = parts(file)['xl/worksheets/sheet1.xml']!;
  return [...sheet.matchAll(/<c r="([A-Z]+\d+)" s="(\d+)"(?: t="(\w+)")?>(.*?)<\/c>/g)].map(([, ref, style, type, inner]) => ({ ref: ref!, style: style!, ...(type ? { type } : {}), inner: inner! }));
}

describe('the catalogue as a spreadsheet', () => {
  it('has its column names in Italian or in English', async () => {
    const [it_] = await read(workbook([catalogCase(1)], 'it'));
    const [en] = await read(workbook([catalogCase(1)], 'en'));
    expect(it_!.sheet).toBe('Catalogo');
    expect(en!.sheet).toBe('Catalogue');
    expect(it_!.data[0]).toEqual([
      'Riferimento', 'Titolo', 'Tipo di caso', 'Partner', 'Nome della struttura', 'Codice ministeriale della struttura', 'Servizi di Tele-X',
      'Aree cliniche', 'Popolazione destinataria', 'Setting di cura', 'Tecnologie', 'Fase del progetto', 'Pazienti impattati', 'Finanziamento',
      'Rimborsabilità', 'Interoperabilità', 'Dispositivo medico (classe MDR)', 'Data di avvio', 'Approvato il', 'Progetti che rispondono al bisogno', 'Descrizione',
    ]);
    expect(en!.data[0]).toEqual([
      'Reference', 'Title', 'Kind of case', 'Partner', 'Facility name', 'Ministerial facility code', 'Tele-X services', 'Clinical areas',
      'Target population', 'Care settings', 'Technologies', 'Project stage', 'Patients reached', 'Funding', 'Reimbursement', 'Interoperability',
      'Medical device (MDR class)', 'Start date', 'Approved on', 'Projects that answer the need', 'Summary',
    ]);
  });

  it('shows the labels of the catalogue page instead of codes, and the partner by name', async () => {
    const [itSheet] = await read(workbook([catalogCase(1)], 'it'));
    const [enSheet] = await read(workbook([catalogCase(1)], 'en'));
    const [header, row] = itSheet!.data;
    const at = (name: string) => row![header!.indexOf(name)];
    expect(at('Tipo di caso')).toBe('Servizio di Tele-X');
    expect(at('Servizi di Tele-X')).toBe('Televisita, Telemonitoraggio');
    expect(at('Aree cliniche')).toBe('Cardiologia, Riabilitazione');
    expect(at('Fase del progetto')).toBe('Attivo');
    expect(at('Finanziamento')).toBe('PNRR');
    expect(at('Partner')).toBe('Humanitas');
    const [enHeader, enRow] = enSheet!.data;
    expect(enRow![enHeader!.indexOf('Tele-X services')]).toBe('Televisit, Telemonitoring');
    expect(enRow![enHeader!.indexOf('Kind of case')]).toBe('Tele-X service');
  });

  it('labels the target population and the medical device class, "none" as not a medical device', async () => {
    const cases = [
      catalogCase(1, { targetPopulation: ['frail-elderly', 'caregivers'], medicalDevice: 'class-iib' }),
      catalogCase(2, { medicalDevice: 'none' }),
      catalogCase(3),
    ];
    const [itSheet] = await read(workbook(cases, 'it'));
    const [enSheet] = await read(workbook(cases, 'en'));
    const column = (sheet: typeof itSheet, name: string) => sheet!.data.slice(1).map((row) => row[sheet!.data[0]!.indexOf(name)]);
    expect(column(itSheet, 'Popolazione destinataria')).toEqual(['Anziani fragili, Caregiver', null, null]);
    expect(column(itSheet, 'Dispositivo medico (classe MDR)')).toEqual(['Classe IIb', 'Non è un dispositivo medico', null]);
    expect(column(enSheet, 'Target population')).toEqual(['Frail elderly people, Caregivers', null, null]);
    expect(column(enSheet, 'Medical device (MDR class)')).toEqual(['Class IIb', 'Not a medical device', null]);
  });

  it('keeps codes as text: the structure code 030906 keeps its zero, the reference is text', async () => {
    const file = workbook([catalogCase(1)], 'it');
    const [sheet] = await read(file);
    expect(sheet!.data[1]![5]).toBe('030906');
    expect(sheet!.data[1]![0]).toBe('HUB-2026-000001');
    const code = cells(file).find((cell) => cell.ref === 'F2')!;
    expect(code).toEqual({ ref: 'F2', style: '1', type: 'inlineStr', inner: '<is><t xml:space="preserve">030906</t></is>' });
    // Style 1 is the text format (@): a spreadsheet that edits the cell keeps it text.
    expect(parts(file)['xl/styles.xml']).toMatch(/<cellXfs count="6"><xf [^>]*\/><xf numFmtId="49" /);
  });

  it('writes dates as date cells with a date format: the start date a day, the decision in Italian time', async () => {
    const file = workbook([catalogCase(0), catalogCase(1, { decidedAt: '2026-07-15T10:15:00.000Z', startDate: undefined })], 'it');
    const [sheet] = await read(file);
    const [header, march, july] = sheet!.data;
    expect(march![header!.indexOf('Data di avvio')]).toEqual(new Date('2025-03-01T00:00:00Z'));
    expect(march![header!.indexOf('Approvato il')]).toEqual(new Date('2026-03-02T11:15:00Z'));
    expect(july![header!.indexOf('Approvato il')]).toEqual(new Date('2026-07-15T12:15:00Z'));
    expect(july![header!.indexOf('Data di avvio')]).toBeNull();
    const start = cells(file).find((cell) => cell.ref === 'R2')!;
    const decided = cells(file).find((cell) => cell.ref === 'S2')!;
    // Numbers (no t attribute: the serial day), styled 4 and 5: the date formats.
    expect(start).toEqual({ ref: 'R2', style: '4', inner: '<v>45717</v>' });
    expect(decided).toEqual({ ref: 'S2', style: '5', inner: '<v>46083.46875</v>' });
    const styles = parts(file)['xl/styles.xml']!;
    expect(styles).toContain('<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>');
    expect(styles).toContain('<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/>');
    expect(parts(workbook([catalogCase(0)], 'en'))['xl/styles.xml']).toContain('formatCode="d mmm yyyy"');
    const [enSheet] = await read(workbook([catalogCase(0)], 'en'));
    expect(enSheet!.data[1]![17]).toEqual(new Date('2025-03-01T00:00:00Z'));
  });

  it('writes the number of patients as a number', async () => {
    const file = workbook([catalogCase(1)], 'it');
    expect((await read(file))[0]!.data[1]![12]).toBe(59200);
    expect(cells(file).find((cell) => cell.ref === 'M2')).toEqual({ ref: 'M2', style: '3', inner: '<v>59200</v>' });
  });

  it('never writes a formula: hostile text is text, read back as it was', async () => {
    const hostile = ['=HYPERLINK("http://evil.example/x","Clicca qui")', '+SUM(1;2)', '-2+3', '@A1', '=1+1', 'constructor', 'toString', '__proto__', '<b>&amp;</b>'];
    const file = workbook(hostile.map((title, i) => catalogCase(i, { title, facility: { name: hostile[(i + 1) % hostile.length]!, code: '=cmd|"/c calc"!A0' } })), 'it');
    for (const xml of Object.values(parts(file))) expect(xml).not.toMatch(/<f[ >]/);
    for (const cell of cells(file)) expect(['inlineStr', undefined]).toContain(cell.type);
    const [sheet] = await read(file);
    expect(sheet!.data.slice(1).map((row) => row[1])).toEqual(hostile);
    expect(sheet!.data.slice(1).map((row) => row[5])).toEqual(hostile.map(() => '=cmd|"/c calc"!A0'));
  });

  it('reads back any text as it was, less the characters XML cannot hold (300 texts)', async () => {
    const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), async (title) => {
        const [sheet] = await read(workbook([catalogCase(1, { title })], 'en'));
        // A text left empty is an empty cell.
        const expected = title.replace(NOT_XML, '');
        expect(sheet!.data[1]![1]).toBe(expected === '' ? null : expected);
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('says on its About sheet when it was made, with which filters, and where the next part is', async () => {
    const file = workbook([catalogCase(1)], 'en', {
      filters: { kind: 'telex', partner: 'humanitas' }, partnerName: () => 'Humanitas', next: 'https://hub.example.org/catalog.xlsx?lang=en&cursor=abc',
    });
    const [, about] = await read(file);
    expect(about!.sheet).toBe('About');
    expect(about!.data).toEqual([
      ["Catalogue of the Hub's approved projects", null],
      ['Generated on', new Date('2026-07-01T10:00:00Z')],
      ['Filters', 'Kind of case: Tele-X service; Partner: Humanitas'],
      ['Cases in this file', 1],
      ['Times', 'Italian time (Europe/Rome)'],
      ['Continued', 'This file holds part of the catalogue; the next part downloads from:'],
      [null, 'https://hub.example.org/catalog.xlsx?lang=en&cursor=abc'],
    ]);
    const [, whole] = await read(workbook([catalogCase(1)], 'it'));
    expect(whole!.sheet).toBe('Informazioni');
    expect(whole!.data.map((row) => row[0])).not.toContain('Continua');
    expect(whole!.data[2]).toEqual(['Filtri', 'Nessuno: tutti i casi approvati']);
  });
});

describe('the workbook writer', () => {
  it('names columns as spreadsheets do', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702, 16383].map(columnName)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
  });

  it('escapes markup and drops what XML cannot hold', () => {
    expect(escapeXml('a<b>&"c"\u0000\u0007\uFFFE\uD800 ok 😀\r\n')).toBe('a&lt;b&gt;&amp;&quot;c&quot; ok 😀&#13;\n');
  });

  it('writes the parts a spreadsheet program needs, the first sheet selected and its header frozen', () => {
    const file = writeWorkbook([{ name: 'Uno', widths: [10], rows: [[{ text: 'x', bold: true }]], frozenRows: 1 }, { name: 'Due & tre', widths: [], rows: [] }], { date: 'dd/mm/yyyy', dateTime: 'dd/mm/yyyy hh:mm' });
    const xml = parts(file);
    expect(Object.keys(xml).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']);
    expect(xml['xl/workbook.xml']).toContain('<sheet name="Uno" sheetId="1" r:id="rId1"/><sheet name="Due &amp; tre" sheetId="2" r:id="rId2"/>');
    expect(xml['xl/worksheets/sheet1.xml']).toContain('<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(xml['xl/worksheets/sheet2.xml']).not.toContain('tabSelected');
  });
});

/** A catalogue store of fixed cases, newest first, with the store's page contract. */
function reader(cases: readonly CatalogCase[]): CatalogReader {
  const sorted = [...cases].sort((a, b) => (a.decidedAt < b.decidedAt ? 1 : -1));
  return {
    async page(query: CatalogQuery) {
      const start = query.after ? sorted.findIndex((c) => c.decidedAt === query.after!.at && c.id === query.after!.id) + 1 : 0;
      const items = sorted.slice(start, start + query.limit);
      const last = items.at(-1);
      return { items, ...(start + query.limit < sorted.length && last ? { next: { at: last.decidedAt, id: last.id } } : {}) };
    },
    count: async () => sorted.length,
  };
}

/** Text no compressor can shrink: random characters from markup, accents, CJK and emoji. */
const incompressible = (length: number) => {
  const alphabet = [...'<>&"\'=+-@;,\t\n abcxyzàèéìòù€漢字😀'];
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
};

/** Lambda's limit on a synchronous invocation's response, the JSON that carries the base64 body and the headers. */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

describe('the spreadsheet export in pages', () => {
  const page = (cases: CatalogCase[], budgetBytes?: number, after?: ReturnType<typeof decodeCursor>) =>
    catalogWorkbookPage(reader(cases), {
      ...options('it'), toItem: item, nextUrl: (next) => `https://hub.example.org/catalog.xlsx?lang=it&cursor=${encodeCursor(next)}`,
      ...(budgetBytes ? { budgetBytes } : {}), ...(after ? { after } : {}),
    });

  it('fits Lambda’s 6 MB response whatever the text, even text that does not compress', async () => {
    const cases = Array.from({ length: 400 }, (_, i) => catalogCase(i, { title: incompressible(160), summary: incompressible(5000), facility: { name: incompressible(200), code: incompressible(20) } }));
    const { file, next } = await page(cases);
    expect(next).toBeDefined();
    const xmlBytes = Object.values(unzipSync(file)).reduce((sum, bytes) => sum + bytes.length, 0);
    expect(xmlBytes).toBeLessThanOrEqual(XLSX_PAGE_BYTES);
    expect(xmlBytes).toBeGreaterThan(XLSX_PAGE_BYTES * 0.95);
    // The response as Lambda carries it: the base64 body inside JSON, with generous room for headers.
    const response = JSON.stringify({ statusCode: 200, headers: { 'x-room-for-headers': 'x'.repeat(8_000) }, isBase64Encoded: true, body: Buffer.from(file).toString('base64') });
    expect(Buffer.byteLength(response)).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    const [sheet] = await read(file);
    expect(sheet!.data.length - 1).toBeGreaterThan(100);
  }, 60_000);

  it('holds every case once across its pages, each a whole workbook with its header', async () => {
    const cases = Array.from({ length: 60 }, (_, i) => catalogCase(i, { summary: `${'à'.repeat(300)} ${i}` }));
    const references: string[] = [];
    let after: ReturnType<typeof decodeCursor> | undefined;
    let pages = 0;
    do {
      const { file, next } = await page(cases, 20_000, after);
      pages += 1;
      const [sheet, about] = await read(file);
      expect(sheet!.data[0]![0]).toBe('Riferimento');
      expect(sheet!.data.length).toBeGreaterThan(1);
      references.push(...sheet!.data.slice(1).map((row) => String(row[0])));
      expect(about!.data.some((row) => row[0] === 'Continua')).toBe(next !== undefined);
      after = next ? decodeCursor(encodeCursor(next)) : undefined;
      expect(pages).toBeLessThan(50);
    } while (after);
    expect(pages).toBeGreaterThan(3);
    expect(references).toEqual([...cases].sort((a, b) => (a.decidedAt < b.decidedAt ? 1 : -1)).map((c) => c.reference));
  });

  it('holds at least one case per page, however small the budget', async () => {
    const { file, next } = await page([catalogCase(1), catalogCase(2)], 10);
    expect((await read(file))[0]!.data).toHaveLength(2);
    expect(next).toBeDefined();
  });
});

describe('the Hub’s wall-clock time', () => {
  it('follows Italian summer time', () => {
    expect(romeWallClock(new Date('2026-03-29T00:59:00Z')).toISOString()).toBe('2026-03-29T01:59:00.000Z');
    expect(romeWallClock(new Date('2026-03-29T01:00:00Z')).toISOString()).toBe('2026-03-29T03:00:00.000Z');
    expect(romeWallClock(new Date('2026-10-25T00:30:00Z')).toISOString()).toBe('2026-10-25T02:30:00.000Z');
    expect(romeWallClock(new Date('2026-10-25T01:30:00Z')).toISOString()).toBe('2026-10-25T02:30:00.000Z');
  });
});
