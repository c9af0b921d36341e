import { describe, expect, it } from 'vitest';
import { HUB_PARTNERS, LOCAL_PARTNERS } from '../../infra/config/partners';
import { Partner, frameAncestors, originAllowed } from '../../shared/core/partners';
import { corsHeaders, preflightHeaders } from '../../shared/adapters/http/cors';
import { renderFormPage } from '../../shared/adapters/html/form';

const OWN = 'https://intake.digitalhealthhub.example.org';

describe('the partners’ origins', () => {
  it.each(HUB_PARTNERS.map((partner) => [partner.id, partner] as const))('%s lists its site with and without www', (_id, partner) => {
    // Assess
    expect(Partner.safeParse(partner).success).toBe(true);
    const www = partner.origins.filter((origin) => origin.startsWith('https://www.'));
    expect(www.length).toBeGreaterThan(0);
    for (const origin of www) expect(partner.origins).toContain(origin.replace('https://www.', 'https://'));
    expect(new Set(partner.origins).size).toBe(partner.origins.length);
  });

  it.each(HUB_PARTNERS.map((partner) => [partner.id, partner] as const))('%s: every listed origin may frame the form and call the API, and no other', (_id, partner) => {
    // Act
    const ancestors = frameAncestors(partner, OWN).split(' ');

    // Assess: frame-ancestors and CORS read the same list.
    expect(ancestors).toEqual(["'self'", ...partner.origins]);
    for (const origin of partner.origins) {
      expect(originAllowed(partner, origin, OWN), origin).toBe(true);
      expect(corsHeaders(origin, [partner], OWN)['Access-Control-Allow-Origin'], origin).toBe(origin);
      expect(preflightHeaders(origin, [partner], OWN)['Access-Control-Allow-Methods'], origin).toBe('POST, OPTIONS');
    }
    const stranger = 'https://www.example.net';
    expect(originAllowed(partner, stranger, OWN)).toBe(false);
    expect(corsHeaders(stranger, [partner], OWN)['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('keeps a site’s staging origin beside the others, for frames and CORS alike', () => {
    // Prepare
    const partner = Partner.parse({ id: 'acme', name: 'Acme', origins: ['https://www.acme.it', 'https://acme.it', 'https://staging.acme.it'], contactDomains: ['acme.it'] });

    // Act + Assess
    expect(frameAncestors(partner, OWN)).toBe("'self' https://www.acme.it https://acme.it https://staging.acme.it");
    expect(corsHeaders('https://staging.acme.it', [partner], OWN)['Access-Control-Allow-Origin']).toBe('https://staging.acme.it');
    expect(corsHeaders('https://dev.acme.it', [partner], OWN)['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('adds only the local origins for the embedded runtime', () => {
    for (const [index, partner] of LOCAL_PARTNERS.entries()) {
      expect(partner.origins).toEqual([...HUB_PARTNERS[index]!.origins, 'http://localhost:*', 'http://127.0.0.1:*']);
    }
  });
});

describe('the form’s landmarks', () => {
  const partner = HUB_PARTNERS[0]!;
  const landmarks = (html: string) => ({
    main: (html.match(/<main\b/g) ?? []).length,
    header: (html.match(/<header\b/g) ?? []).length,
    footer: (html.match(/<footer\b/g) ?? []).length,
    roles: (html.match(/\brole="(main|banner|contentinfo|region|navigation|complementary)"/g) ?? []).length,
  });

  it('has none in the partner’s frame, and keeps its heading', () => {
    // Act
    const page = renderFormPage({ partner, lang: 'it', framed: true }).value;

    // Assess
    expect(landmarks(page)).toEqual({ main: 0, header: 0, footer: 0, roles: 0 });
    expect(page).toContain('<h1>Segnala un caso allo Hub</h1>');
    expect(page).toContain('<div class="frame-content">');
  });

  it('keeps the frame’s flag on the pages that follow in the frame: the post and the other language', () => {
    // Act
    const page = renderFormPage({ partner, lang: 'en', framed: true }).value;

    // Assess
    expect(page).toContain('action="/cases?lang=en&amp;embed=1"');
    expect(page).toContain(`href="/form?partner=${partner.id}&amp;lang=it&amp;embed=1"`);
  });

  it('is a page of the Hub, with its banner and main, when opened on its own', () => {
    // Act
    const page = renderFormPage({ partner, lang: 'en' }).value;

    // Assess
    expect(landmarks(page)).toEqual({ main: 1, header: 1, footer: 0, roles: 0 });
    expect(page).toContain('action="/cases?lang=en"');
    expect(page).not.toContain('embed=1');
  });

  it('keeps its landmarks on the edit page, which is never framed', () => {
    // Act
    const page = renderFormPage({ partner, lang: 'en', standalone: true, framed: true, action: '/cases/X/edit?token=t' }).value;

    // Assess
    expect(landmarks(page)).toMatchObject({ main: 1, header: 1 });
  });
});
