import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { saveReportTexts } from '../../shared/app/report-texts';
import { DEFAULT_REPORT_TEXTS } from '../../shared/core/report-texts';
import { reportTextsDeps } from '../../shared/wiring';
import { postCase, startTestRuntime, validCase } from '../support/runtime';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

const report = (lang: string, headers: Record<string, string> = {}) => fetch(`${runtime.url}/report?lang=${lang}`, { headers: { accept: 'text/html', ...headers } });

describe('GET /report', () => {
  it('before the first aggregation: the editors’ default texts, and no entity tag yet', async () => {
    const response = await report('en');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeNull();
    const body = await response.text();
    expect(body).toContain('data-state="empty"');
    expect(body).toContain(DEFAULT_REPORT_TEXTS.recommendations[0]!.title.en);
  });

  it('is a page with the dashboard’s headers, revalidated by an entity tag that follows the snapshot and the texts’ version', async () => {
    await postCase(runtime, validCase());
    expect((await fetch(`${runtime.url}/_local/aggregate`, { method: 'POST' })).status).toBe(200);
    const [page, dashboard] = await Promise.all([report('it'), fetch(`${runtime.url}/dashboard?lang=it`)]);
    expect(page.status).toBe(200);
    for (const header of ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'cache-control', 'content-type']) {
      expect(page.headers.get(header), header).toBe(dashboard.headers.get(header));
    }
    expect(page.headers.get('content-language')).toBe('it');
    const etag = page.headers.get('etag')!;
    expect(etag).toMatch(/^".+\.report\.t0\.it\..+"$/);
    expect((await report('en')).headers.get('etag')).not.toBe(etag);

    const again = await report('it', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    // A new version of the texts: the page changes, and says which version it shows.
    await saveReportTexts(
      reportTextsDeps().reportTexts,
      { ...DEFAULT_REPORT_TEXTS, recommendations: [{ title: { it: 'Raccomandazione nuova', en: 'New recommendation' }, text: { it: 'Testo.', en: 'Text.' } }] },
      'redazione',
      new Date('2026-12-01T10:00:00Z'),
    );
    const changed = await report('it', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toMatch(/\.report\.t1\.it\./);
    const body = await changed.text();
    expect(body).toContain('Raccomandazione nuova');
    expect(body).toContain('versione 1 del 1 dicembre 2026');
    expect(body).not.toContain(DEFAULT_REPORT_TEXTS.recommendations[0]!.title.it);
  });

  it('is linked from the dashboard and carries the findings the snapshot holds', async () => {
    expect(await (await fetch(`${runtime.url}/dashboard?lang=en`)).text()).toContain('href="/report?lang=en"');
    const metrics = (await (await fetch(`${runtime.url}/metrics`)).json()) as { findings: { version: string; projects: number } };
    // The case posted above is not approved: it counts nowhere.
    expect(metrics.findings).toMatchObject({ version: '2026.1', projects: 0 });
    const body = await (await report('en')).text();
    expect(body).toContain(`data-findings-version>${metrics.findings.version}<`);
  });
});
