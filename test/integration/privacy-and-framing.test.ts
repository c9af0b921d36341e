import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { formBody, partnerKey, settled, startTestRuntime, validCase } from '../support/runtime';

let runtime: Runtime;
const previousWindow = process.env.CONFIRM_WINDOW_SECONDS;

beforeAll(async () => {
  // A confirmation window other than the default, so the notice is seen to read the runtime's own.
  process.env.CONFIRM_WINDOW_SECONDS = String(3 * 86_400);
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.close();
  if (previousWindow === undefined) delete process.env.CONFIRM_WINDOW_SECONDS;
  else process.env.CONFIRM_WINDOW_SECONDS = previousWindow;
});

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;

describe('GET /privacy', () => {
  it('answers the notice in the language asked for with ?lang=', async () => {
    // Act
    const response = await fetch(`${runtime.url}/privacy?lang=en`, { headers: { 'accept-language': 'it' } });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-language')).toBe('en');
    const text = textOf(await response.text());
    expect(text).toContain('Privacy notice');
    expect(text).toContain('Lombardy Digital Health Innovation Hub');
    expect(text).toContain('privacy@digitalhealthhub.example.org');
  });

  it('answers in the language of Accept-Language without ?lang=, Italian by default', async () => {
    // Act
    const english = await fetch(`${runtime.url}/privacy`, { headers: { 'accept-language': 'en-GB,en;q=0.8' } });
    const italian = await fetch(`${runtime.url}/privacy`);

    // Assess
    expect(english.headers.get('content-language')).toBe('en');
    expect(italian.headers.get('content-language')).toBe('it');
    expect(textOf(await italian.text())).toContain('Informativa sul trattamento dei dati personali');
    expect(english.headers.get('vary')).toContain('Accept-Language');
  });

  it('states the periods this runtime applies: its confirmation window and the stage’s retention', async () => {
    // Act
    const text = textOf(await (await fetch(`${runtime.url}/privacy?lang=en`)).text());

    // Assess: RETENTION_DAYS of the local stage (730) and CONFIRM_WINDOW_SECONDS as set above.
    expect(text).toContain('not confirmed within 3 days');
    expect(text).toContain('730 days after the decision');
  });

  it('is a page of the Hub that no other site may frame', async () => {
    // Act
    const response = await fetch(`${runtime.url}/privacy`);

    // Assess
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('is where the form’s consent box points', async () => {
    // Act
    const form = await (await fetch(`${runtime.url}/form?partner=humanitas&lang=en`)).text();
    const href = /<input id="field-consent"[^>]*>.*?<a href="([^"]+)"/s.exec(form)?.[1] ?? '';

    // Assess
    expect(href).toBe('/privacy?lang=en');
    expect((await fetch(new URL(href, runtime.url))).status).toBe(200);
  });
});

describe('the form in the partner’s frame', () => {
  it('renders no main and no banner with embed.js’s flag, and both without', async () => {
    // Act
    const framed = await (await fetch(`${runtime.url}/form?partner=humanitas&lang=en&embed=1`)).text();
    const alone = await (await fetch(`${runtime.url}/form?partner=humanitas&lang=en`)).text();

    // Assess
    expect(count(framed, /<main\b/g) + count(framed, /<header\b/g)).toBe(0);
    expect(framed).toContain('<h1>Submit a case to the Hub</h1>');
    expect(count(alone, /<main\b/g)).toBe(1);
    expect(count(alone, /<header\b/g)).toBe(1);
  });

  it('renders no landmarks in any iframe the browser says it loads into, flag or not', async () => {
    // Act
    const response = await fetch(`${runtime.url}/form?partner=humanitas&lang=it`, { headers: { 'sec-fetch-dest': 'iframe' } });
    const html = await response.text();

    // Assess
    expect(count(html, /<main\b/g)).toBe(0);
    expect(response.headers.get('vary')).toContain('Sec-Fetch-Dest');
  });

  it('gives the form back without landmarks when a framed post has errors', async () => {
    // Prepare: a person's post (no key) whose challenge is missing.
    const body = formBody(validCase());

    // Act
    const response = await settled(
      runtime,
      fetch(`${runtime.url}/cases?lang=en&embed=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: new URL(runtime.url).origin },
        body,
        redirect: 'manual',
      }),
    );

    // Assess
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(count(html, /<main\b/g)).toBe(0);
    expect(html).toContain('action="/cases?lang=en&amp;embed=1"');
  });

  /** A form post with the partner's key, so it is accepted without a challenge. */
  const acceptedFormPost = async (path: string) =>
    settled(
      runtime,
      fetch(`${runtime.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', authorization: `Bearer ${await partnerKey(runtime)}` },
        body: formBody(validCase()),
        redirect: 'manual',
      }),
    );

  it('shows the thank-you page framed after a framed post', async () => {
    // Act
    const response = await acceptedFormPost('/cases?lang=en&embed=1');

    // Assess
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/&thanks=1&embed=1$/);
    const html = await (await fetch(location, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('Thank you, case received');
    expect(count(html, /<main\b/g)).toBe(0);
  });

  it('shows the thank-you page with its main after a post from the form opened on its own', async () => {
    // Act
    const response = await acceptedFormPost('/cases?lang=en');

    // Assess
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/&thanks=1$/);
    const html = await (await fetch(location, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('Thank you, case received');
    expect(count(html, /<main\b/g)).toBe(1);
  });
});
