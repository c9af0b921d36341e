import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, startTestRuntime, validCase } from '../support/runtime';

let runtime: Runtime;
let statusUrl = '';

beforeAll(async () => {
  runtime = await startTestRuntime();
  const created = (await (await postCase(runtime, validCase())).json()) as { statusUrl: string };
  statusUrl = created.statusUrl;
  await fetch(`${runtime.url}/_local/aggregate`, { method: 'POST' });
});
afterAll(async () => {
  await runtime?.close();
});

describe('every HTML page', () => {
  const pages = () => [
    `${runtime.url}/form?partner=humanitas`,
    `${runtime.url}/form?partner=humanitas&embed=1`,
    `${runtime.url}/privacy`,
    `${runtime.url}/privacy?lang=en`,
    `${runtime.url}/form?partner=nobody`,
    statusUrl,
    `${runtime.url}/cases/01ZZZZZZZZZZZZZZZZZZZZZZZZ?token=nope`,
    `${runtime.url}/cases/01ZZZZZZZZZZZZZZZZZZZZZZZZ/edit?token=nope`,
    `${runtime.url}/review/${'a'.repeat(43)}`,
    `${runtime.url}/dashboard`,
    `${runtime.url}/report?lang=it`,
    `${runtime.url}/report?lang=en`,
    `${runtime.url}/embed/figures`,
    `${runtime.url}/catalog`,
  ];

  it('sends a strict Content-Security-Policy and the usual security headers, whatever its status', async () => {
    for (const url of pages()) {
      const response = await fetch(url, { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type'), url).toContain('text/html');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, url).toContain("default-src 'none'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("base-uri 'none'");
      expect(csp, url).toMatch(/frame-ancestors ('none'|'self')/);
      expect(csp, url).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), url).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security'), url).toContain('max-age=');
      const html = await response.text();
      expect(html, url).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, url).not.toMatch(/\sstyle="/);
    }
  });

  it('prints submitted text escaped', async () => {
    const hostile = validCase({ title: '<img src=x onerror=alert(1)> Titolo', summary: '"><script>alert(1)</script> e una descrizione abbastanza lunga' });
    const created = (await (await postCase(runtime, hostile)).json()) as { statusUrl: string };
    const html = await (await fetch(created.statusUrl, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Titolo');
    expect(html).not.toContain('<img src=x');
  });
});
