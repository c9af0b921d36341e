import { describe, expect, it } from 'vitest';
import { renderReport } from '../../shared/adapters/html/report';
import { parseReportTexts, saveReportTexts, currentReportTexts, InvalidReportTexts, ReportTextsConflict, type ReportTextStore } from '../../shared/app/report-texts';
import { computeMetrics, type MetricCase } from '../../shared/core/metrics';
import { DEFAULT_REPORT_TEXTS, DEFAULT_TEXTS_VERSION, type ReportTexts, type ReportTextsVersion } from '../../shared/core/report-texts';

const item = (id: string, fields: Partial<MetricCase> = {}): MetricCase => ({
  id, kind: 'telex', partner: 'humanitas', facility: { name: 'Ospedale' }, clinicalAreas: ['cardiology'], createdAt: '2026-01-01T00:00:00Z', patientsImpacted: 1000, ...fields,
});
const snapshot = computeMetrics({
  approved: [item('a', { reimbursement: 'unclear' }), item('b', { partner: 'ieo', clinicalAreas: ['oncology'] }), item('c', { kind: 'proposal', partner: 'kos' })],
  rejected: [],
  statusCounts: { approved: 3 },
  asOf: '2026-02-01T10:00:00.000Z',
  generatedAt: '2026-02-01T10:00:01.000Z',
});
const names: Record<string, string> = { humanitas: 'Humanitas', ieo: 'IEO – Istituto Europeo di Oncologia', kos: 'KOS Care' };
const partnerName = (id: string) => names[id] ?? id;

const texts = (title: string, text: string): ReportTexts => ({ findings: [{ title: { it: title, en: title }, text: { it: text, en: text } }], recommendations: DEFAULT_REPORT_TEXTS.recommendations });
const version = (t: ReportTexts, number = 3): ReportTextsVersion => ({ version: number, savedAt: '2026-11-20T09:00:00.000Z', savedBy: 'redazione', texts: t });

/** A store in memory that behaves as the table's: a version is created once. */
function memoryStore(): ReportTextStore & { items: ReportTextsVersion[] } {
  const items: ReportTextsVersion[] = [];
  return {
    items,
    current: async () => [...items].sort((a, b) => b.version - a.version)[0],
    history: async () => [...items].sort((a, b) => b.version - a.version),
    create: async (v) => {
      if (items.some((other) => other.version === v.version)) return false;
      items.push(v);
      return true;
    },
  };
}

describe('the report page', () => {
  it('prints an editor’s text as text, never as markup', () => {
    const page = renderReport({ lang: 'en', snapshot, texts: version(texts('<script>alert(1)</script> & "x"', '<img src=x onerror=alert(1)>\n\nSecond <b>paragraph</b>')), partnerName, baseUrl: 'https://hub.example.org' }).value;
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b>paragraph</b>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    // Blank lines make paragraphs.
    expect(page).toContain('<p>&lt;img src=x onerror=alert(1)&gt;</p><p>Second &lt;b&gt;paragraph&lt;/b&gt;</p>');
  });

  it('names the organisations by their display names, with the findings, their rules and the texts’ version', () => {
    const page = renderReport({ lang: 'it', snapshot, texts: version(texts('Un titolo', 'Un testo della redazione.')), partnerName, baseUrl: 'https://hub.example.org' }).value;
    for (const name of Object.values(names)) expect(page).toContain(name.replace('–', '–'));
    expect(page).toContain('data-finding="reimbursementUnclear"');
    // Every share with its one decimal, as Italian writes it.
    expect(page).toContain('50,0%');
    expect(page).toContain('Regola:');
    expect(page).toContain('versione 3 del 20 novembre 2026');
    expect(page).toContain('https://hub.example.org/dashboard?lang=it');
    expect(page).toContain('<link rel="stylesheet" href="/assets/report.css?v=');
  });

  it('shows the default texts as version 0, and the texts without figures before the first aggregation', () => {
    const page = renderReport({ lang: 'en', texts: DEFAULT_TEXTS_VERSION, partnerName, baseUrl: 'https://hub.example.org' }).value;
    expect(page).toContain('data-state="empty"');
    expect(page).toContain('version 0');
    for (const text of [...DEFAULT_REPORT_TEXTS.findings, ...DEFAULT_REPORT_TEXTS.recommendations]) expect(page).toContain(text.title.en.replace(/’/g, '’'));
  });

  it('shows the breakdowns by target population and medical device, and leaves them out for a snapshot of earlier rules without them', () => {
    const model = { lang: 'en' as const, texts: DEFAULT_TEXTS_VERSION, partnerName, baseUrl: 'https://hub.example.org' };
    const { targetPopulation: _population, medicalDevice: _device, ...earlier } = snapshot.breakdowns;
    expect(renderReport({ ...model, snapshot: { ...snapshot, breakdowns: earlier as typeof snapshot.breakdowns } }).value).not.toContain('data-profile');
    const withProfile = { ...snapshot, breakdowns: { ...snapshot.breakdowns, medicalDevice: { 'class-iia': 2, none: 1 } } };
    const page = renderReport({ ...model, snapshot: withProfile }).value;
    expect(page).toContain('data-profile');
    expect(page).toContain('Medical device');
    expect(page).toContain('Not a medical device');
  });
});

describe('the report’s texts', () => {
  it('saves each version after the current one, with who and when; the defaults stand before any', async () => {
    const store = memoryStore();
    expect(await currentReportTexts(store)).toBe(DEFAULT_TEXTS_VERSION);
    const first = await saveReportTexts(store, DEFAULT_REPORT_TEXTS, 'redazione', new Date('2026-12-01T08:00:00Z'));
    const second = await saveReportTexts(store, texts('Nuovo', 'Testo nuovo'), ' Maria Rossi ', new Date('2026-12-02T08:00:00Z'));
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(second).toMatchObject({ savedBy: 'Maria Rossi', savedAt: '2026-12-02T08:00:00.000Z' });
    expect((await currentReportTexts(store)).texts.findings[0]!.title.it).toBe('Nuovo');
    expect((await store.history()).map((v) => v.version)).toEqual([2, 1]);
  });

  it('refuses bad input, saying where, and writes nothing', async () => {
    const store = memoryStore();
    const bad = { findings: [{ title: { it: 'Solo italiano' }, text: { it: 'x', en: '   ' } }], recommendations: [], extra: true };
    const parsed = parseReportTexts(bad);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['findings.0.title.en', 'findings.0.text.en', 'recommendations', '']));
    await expect(saveReportTexts(store, bad, 'redazione', new Date())).rejects.toThrow(InvalidReportTexts);
    await expect(saveReportTexts(store, DEFAULT_REPORT_TEXTS, '  ', new Date())).rejects.toThrow(InvalidReportTexts);
    expect(store.items).toEqual([]);
  });

  it('refuses control characters in the texts and in who saves them, and a version too big for one item of DynamoDB', async () => {
    const store = memoryStore();
    const escape = parseReportTexts(texts('Titolo\u001b[2J', 'Testo'));
    expect(escape.ok).toBe(false);
    if (!escape.ok) expect(escape.problems).toEqual(expect.arrayContaining([{ path: 'findings.0.title.it', message: expect.stringMatching(/control characters/) }]));
    expect(parseReportTexts(texts('Titolo', 'Riga\u0000')).ok).toBe(false);
    // Paragraphs and tabs stay allowed.
    expect(parseReportTexts(texts('Titolo', 'Primo.\n\n\tSecondo.')).ok).toBe(true);
    await expect(saveReportTexts(store, DEFAULT_REPORT_TEXTS, 'evil\u001b[2J\nname', new Date())).rejects.toThrow(/by: one line, with no control characters/);
    await expect(saveReportTexts(store, DEFAULT_REPORT_TEXTS, 'x'.repeat(101), new Date())).rejects.toThrow(InvalidReportTexts);
    // Every field at its longest in a three-byte character: within each field's limit, over DynamoDB's 400 KB item.
    const longest = { title: { it: '€'.repeat(200), en: '€'.repeat(200) }, text: { it: '€'.repeat(3000), en: '€'.repeat(3000) } };
    const huge = { findings: Array.from({ length: 20 }, () => longest), recommendations: Array.from({ length: 20 }, () => longest) };
    const parsed = parseReportTexts(huge);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toEqual([{ path: '', message: expect.stringMatching(/^the texts take \d+ KB in UTF-8; one version holds at most 350 KB$/) }]);
    // The same at its longest in plain letters fits.
    const plain = { title: { it: 'a'.repeat(200), en: 'a'.repeat(200) }, text: { it: 'a'.repeat(3000), en: 'a'.repeat(3000) } };
    expect(parseReportTexts({ findings: Array.from({ length: 20 }, () => plain), recommendations: Array.from({ length: 20 }, () => plain) }).ok).toBe(true);
    expect(store.items).toEqual([]);
  });

  it('refuses a save that another took the number of', async () => {
    const store = memoryStore();
    const racing: ReportTextStore = { ...store, current: async () => undefined };
    await saveReportTexts(store, DEFAULT_REPORT_TEXTS, 'a', new Date());
    await expect(saveReportTexts(racing, DEFAULT_REPORT_TEXTS, 'b', new Date())).rejects.toThrow(ReportTextsConflict);
    expect(store.items).toHaveLength(1);
  });
});
