import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATALOG_PAGE,
  CSV_COLUMNS,
  EXPORT_COLUMN_LABELS,
  catalogCsv,
  catalogCsvPage,
  decodeCursor,
  encodeCursor,
  neutraliseCell,
  parseExportOptions,
  toCatalogItem,
  type CatalogCase,
  type CatalogItem,
  type CatalogQuery,
  type CatalogReader,
} from '../../shared/app/catalog';

const TRIGGER = /^[=+\-@\t\r]/;

function catalogCase(index: number, overrides: Partial<CatalogCase> = {}): CatalogCase {
  const id = `01J${String(index).padStart(23, '0')}`;
  return {
    id,
    reference: `HUB-2026-${String(index).padStart(6, '0')}`,
    partner: 'humanitas',
    kind: 'telex',
    title: `Caso ${index}`,
    summary: `Sintesi del caso numero ${index}, abbastanza lunga per lo schema.`,
    facility: { name: 'Humanitas Research Hospital', code: '030906' },
    clinicalAreas: ['cardiology'],
    telexServices: ['televisita', 'telemonitoraggio'],
    decidedAt: new Date(Date.UTC(2026, 0, 1) + (1000 - index) * 60_000).toISOString(),
    ...overrides,
  };
}

const item = (c: CatalogCase): CatalogItem => toCatalogItem(c, 'Humanitas');

/**
 * The text read back as a spreadsheet might read it: a quote-aware CSV parser on the separator it
 * was written with and a lenient one on the other, and plain splitters on `,`, `;` and tabs that
 * know nothing of quotes (a leading quote or space is then part of the cell, so it is skipped before
 * looking at the first character).
 */
function readings(csv: string, sep: ',' | ';' = ','): { how: string; cells: string[] }[] {
  const text = csv.replace(/^\uFEFF/, '');
  const other = sep === ',' ? ';' : ',';
  const naive = (delimiter: string) =>
    (parse(text, { delimiter, quote: false, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][]).flat().map((cell) => cell.replace(/^[\s"]+/, ''));
  return [
    { how: `CSV on ${sep}`, cells: (parse(text, { delimiter: sep }) as string[][]).flat() },
    { how: `CSV on ${other} (quotes honoured where they open a cell)`, cells: (parse(text, { delimiter: other, relax_quotes: true, relax_column_count: true }) as string[][]).flat().map((cell) => cell.replace(/^[\s"]+/, '')) },
    { how: 'split on ,', cells: naive(',') },
    { how: 'split on ;', cells: naive(';') },
    { how: 'split on tab', cells: naive('\t') },
  ];
}

function expectNoFormula(csv: string, sep: ',' | ';' = ',') {
  for (const { how, cells } of readings(csv, sep)) {
    const live = cells.filter((cell) => TRIGGER.test(cell));
    expect({ how, live }).toEqual({ how, live: [] });
  }
}

describe('the CSV export under a spreadsheet', () => {
  it('leaves no formula in a value that holds ;=1+1;@SUM(1+1), read on , or on ;', () => {
    const hostile = ';=1+1;@SUM(1+1)';
    const csv = catalogCsv([
      item(catalogCase(1, { title: hostile, summary: `Testo innocuo,=1+1,-2+3; @A1;\t=B2\r\n=C3 "=D4" ;"@E5"`, facility: { name: hostile } })),
    ]);
    expectNoFormula(csv);
    const [header, row] = parse(csv.replace(/^\uFEFF/, ''), { delimiter: ',' }) as string[][];
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(row![CSV_COLUMNS.indexOf('title')]).toBe(";'=1+1;'@SUM(1+1)");
    expect(row![CSV_COLUMNS.indexOf('facilityName')]).toBe(";'=1+1;'@SUM(1+1)");
  });

  it('quotes every field', () => {
    const csv = catalogCsv([item(catalogCase(2))]).replace(/^\uFEFF/, '');
    for (const line of csv.split('\r\n').filter(Boolean)) expect(line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
  });

  it('keeps the text readable: an apostrophe only where a formula could start', () => {
    const [, row] = parse(catalogCsv([item(catalogCase(3, { title: 'Qualità, perché; città -  ok', summary: '=SUM(A1:A2) and the rest' }))]).replace(/^\uFEFF/, ''), {}) as string[][];
    expect(row![CSV_COLUMNS.indexOf('title')]).toBe('Qualità, perché; città -  ok');
    expect(row![CSV_COLUMNS.indexOf('summary')]).toBe("'=SUM(A1:A2) and the rest");
  });

  it('leaves no formula for any text made of triggers, separators, quotes and spaces (2,000 texts)', () => {
    const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '"', "'", ' ', 'a', '1', '(', ')'), maxLength: 30 });
    fc.assert(
      fc.property(text, text, (title, name) => {
        expectNoFormula(catalogCsv([item(catalogCase(4, { title, facility: { name } }))]));
      }),
      { numRuns: 2000, seed: 20261202 },
    );
  });
});

describe('the CSV export with lang and sep', () => {
  const c = item(catalogCase(5, { title: 'Qualità; perché, città', clinicalAreas: ['cardiology', 'rehabilitation'], facility: { name: '=1+1;@A1', code: '030906' } }));

  it('names its columns in the language asked for, and keeps the machine names without lang', () => {
    const en = parse(catalogCsv([c], { lang: 'en', sep: ',' }).replace(/^\uFEFF/, '')) as string[][];
    expect(en[0]).toEqual(CSV_COLUMNS.map((column) => EXPORT_COLUMN_LABELS[column].en));
    expect(en[0]!.slice(0, 6)).toEqual(['Identifier', 'Reference', 'Title', 'Summary', 'Kind of case', 'Partner id']);
    const it_ = parse(catalogCsv([c], { lang: 'it', sep: ',' }).replace(/^\uFEFF/, '')) as string[][];
    expect(it_[0]!.slice(0, 6)).toEqual(['Identificativo', 'Riferimento', 'Titolo', 'Descrizione', 'Tipo di caso', 'Codice del partner']);
    expect((parse(catalogCsv([c]).replace(/^\uFEFF/, '')) as string[][])[0]).toEqual([...CSV_COLUMNS]);
  });

  it('separates cells with ; when asked, keeps the codes, joins lists with , and keeps its byte order mark', () => {
    const csv = catalogCsv([c], { lang: 'en', sep: ';' });
    expect(csv.startsWith('\uFEFF"Identifier";"Reference";')).toBe(true);
    const [header, row] = parse(csv.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
    expect(header).toEqual(CSV_COLUMNS.map((column) => EXPORT_COLUMN_LABELS[column].en));
    const at = (column: (typeof CSV_COLUMNS)[number]) => row![CSV_COLUMNS.indexOf(column)];
    expect(at('title')).toBe('Qualità; perché, città');
    expect(at('kind')).toBe('telex');
    expect(at('clinicalAreas')).toBe('cardiology,rehabilitation');
    expect(at('telexServices')).toBe('televisita,telemonitoraggio');
    expect(at('facilityCode')).toBe('030906');
    expect(at('facilityName')).toBe("'=1+1;'@A1");
  });

  it('carries the target population and the medical device class as codes, after the columns it had before', () => {
    const classified = item(catalogCase(6, { targetPopulation: ['chronic-patients', 'post-acute'], medicalDevice: 'none' }));
    const unclassified = item(catalogCase(7));
    const [header, first, second] = parse(catalogCsv([classified, unclassified]).replace(/^\uFEFF/, '')) as string[][];
    expect(header!.slice(-4)).toEqual(['decidedAt', 'answeringPractices', 'targetPopulation', 'medicalDevice']);
    expect(first!.slice(-2)).toEqual(['chronic-patients;post-acute', 'none']);
    expect(second!.slice(-2)).toEqual(['', '']);
    const [labels] = parse(catalogCsv([classified], { lang: 'it', sep: ';' }).replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
    expect(labels!.slice(-2)).toEqual(['Popolazione destinataria', 'Dispositivo medico (classe MDR)']);
  });

  it('leaves no formula with ; as separator either, for any text made of triggers, separators, quotes and spaces (1,000 texts)', () => {
    const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '"', "'", ' ', 'a', '1', '(', ')'), maxLength: 30 });
    fc.assert(
      fc.property(text, text, (title, name) => {
        const csv = catalogCsv([item(catalogCase(4, { title, facility: { name } }))], { lang: 'it', sep: ';' });
        expectNoFormula(csv, ';');
        const [, row] = parse(csv.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
        // Read on ; as it was written, each text is one whole cell.
        expect(row!.length).toBe(CSV_COLUMNS.length);
        expect(row![CSV_COLUMNS.indexOf('title')]).toBe(neutraliseCell(title));
      }),
      { numRuns: 1000, seed: 20261203 },
    );
  });

  it('reads lang and sep, an empty value as absent, and answers anything else with 400 naming what is allowed', () => {
    expect(parseExportOptions({})).toEqual({ sep: ',' });
    expect(parseExportOptions({ lang: 'en', sep: ';' })).toEqual({ lang: 'en', sep: ';' });
    expect(parseExportOptions({ lang: '', sep: '' })).toEqual({ sep: ',' });
    for (const query of [{ lang: 'fr' }, { lang: 'IT' }, { sep: '|' }, { sep: 'semicolon' }, { sep: ';;' }]) {
      expect(() => parseExportOptions(query)).toThrow(expect.objectContaining({ type: 'invalid-parameter' }));
    }
    try {
      parseExportOptions({ sep: '\t' });
      expect.unreachable();
    } catch (error) {
      const detail = (error as { detailText: Record<'it' | 'en', string> }).detailText;
      expect(detail.it).toContain('valori possibili: ,, ;');
      expect(detail.en).toBe('sep does not accept "\t"; allowed: ,, ;.');
    }
  });
});

/** A catalogue store of fixed cases, newest first, with the store's page contract. */
function reader(cases: readonly CatalogCase[]): CatalogReader & { reads: number } {
  const sorted = [...cases].sort((a, b) => (a.decidedAt < b.decidedAt ? 1 : -1));
  const fake = {
    reads: 0,
    async page(query: CatalogQuery) {
      fake.reads += 1;
      const start = query.after ? sorted.findIndex((c) => c.decidedAt === query.after!.at && c.id === query.after!.id) + 1 : 0;
      const items = sorted.slice(start, start + query.limit);
      const last = items.at(-1);
      return { items, ...(start + query.limit < sorted.length && last ? { next: { at: last.decidedAt, id: last.id } } : {}) };
    },
    async count() {
      return sorted.length;
    },
  };
  return fake;
}

const responseBytes = (text: string) => Buffer.byteLength(JSON.stringify(text)) - 2;

describe('the CSV export in pages', () => {
  const cases = Array.from({ length: 250 }, (_, i) => catalogCase(i, { summary: `"Riassunto" ${i}\r\n${'à'.repeat(200 + (i % 7) * 50)}` }));

  it('is one page when the catalogue fits its budget', async () => {
    const page = await catalogCsvPage(reader(cases), { filters: {}, toItem: item });
    expect(page.next).toBeUndefined();
    expect((parse(page.csv.replace(/^\uFEFF/, '')) as string[][]).length).toBe(cases.length + 1);
  });

  it('stops before its budget, counted as the JSON of a Lambda response, and the next pages hold the rest once each', async () => {
    const budget = 20_000;
    const store = reader(cases);
    const references: string[] = [];
    let after: ReturnType<typeof decodeCursor> | undefined;
    let pages = 0;
    do {
      const page = await catalogCsvPage(store, { filters: {}, toItem: item, budgetBytes: budget, ...(after ? { after } : {}) });
      pages += 1;
      expect(responseBytes(page.csv)).toBeLessThanOrEqual(budget);
      const [header, ...rows] = parse(page.csv.replace(/^\uFEFF/, '')) as string[][];
      expect(header).toEqual([...CSV_COLUMNS]);
      expect(rows.length).toBeGreaterThan(0);
      references.push(...rows.map((row) => row[CSV_COLUMNS.indexOf('reference')]!));
      // The cursor travels in the Link header's URL, opaque.
      after = page.next ? decodeCursor(encodeCursor(page.next)) : undefined;
      expect(pages).toBeLessThan(200);
    } while (after);
    expect(pages).toBeGreaterThan(5);
    expect(references).toEqual([...cases].sort((a, b) => (a.decidedAt < b.decidedAt ? 1 : -1)).map((c) => c.reference));
  });

  it('holds at least one case per page, however small the budget', async () => {
    const page = await catalogCsvPage(reader(cases), { filters: {}, toItem: item, budgetBytes: 10 });
    expect((parse(page.csv.replace(/^\uFEFF/, '')) as string[][]).length).toBe(2);
    expect(page.next).toBeDefined();
  });

  it(`reads the store ${CATALOG_PAGE.max} cases at a time`, async () => {
    const store = reader(cases);
    await catalogCsvPage(store, { filters: {}, toItem: item });
    expect(store.reads).toBe(Math.ceil(cases.length / CATALOG_PAGE.max));
  });
});
