import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config';
import { HUB_PARTNERS } from '../../infra/config/partners';
import { DEFAULT_PRIVACY, parseConfig } from '../../shared/config';
import { Partner, partnerPrivacyNotice } from '../../shared/core/partners';
import { renderFormPage } from '../../shared/adapters/html/form';
import { periodText, renderPrivacyPage, type PrivacyFacts } from '../../shared/adapters/html/privacy';

const facts: PrivacyFacts = {
  controller: 'Hub Example S.r.l.',
  contactEmail: 'dpo@hub.example.org',
  retentionDays: 365,
  confirmWindowSeconds: 3 * 86_400,
};

const humanitas = HUB_PARTNERS.find((partner) => partner.id === 'humanitas')!;

/** The text of a page without its tags, whitespace folded: what a reader reads. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** The consent box's link to the privacy notice, as rendered. */
const consentLink = (html: string) => /<input id="field-consent"[^>]*>.*?(<a [^>]*>)/s.exec(html)?.[1] ?? '';

describe('the privacy notice', () => {
  it.each(['it', 'en'] as const)('names the controller and the address to write to (%s)', (lang) => {
    // Act
    const page = renderPrivacyPage(facts, lang).value;

    // Assess
    expect(page).toContain(`<html lang="${lang}">`);
    expect(textOf(page)).toContain('Hub Example S.r.l.');
    expect(page).toContain('<a href="mailto:dpo@hub.example.org">dpo@hub.example.org</a>');
  });

  it('states, in Italian, the periods the stage configures: the confirmation window and the retention after a decision', () => {
    // Act
    const text = textOf(renderPrivacyPage(facts, 'it').value);

    // Assess
    expect(text).toContain('non viene confermato entro 3 giorni viene chiuso e i suoi dati di contatto cancellati');
    expect(text).toContain('365 giorni dopo la decisione');
  });

  it('states, in English, the same periods', () => {
    // Act
    const text = textOf(renderPrivacyPage(facts, 'en').value);

    // Assess
    expect(text).toContain('not confirmed within 3 days is closed and its contact data erased');
    expect(text).toContain('365 days after the decision');
    expect(text).toContain('backups of the data 35 days');
  });

  it('lists the purposes, the legal bases, the recipients and every right, with the complaint to the Garante', () => {
    // Act
    const text = textOf(renderPrivacyPage(facts, 'en').value);
    const italianText = textOf(renderPrivacyPage(facts, 'it').value);

    // Assess
    for (const words of ['Art. 6(1)(a)', 'Art. 6(1)(f)', 'reviewers', 'partner', 'Amazon Web Services', 'Art. 15', 'Art. 16', 'Art. 17', 'Art. 18', 'Art. 20', 'Art. 21', 'Art. 7(3)', 'Art. 77']) {
      expect(text, words).toContain(words);
    }
    for (const words of ['art. 6, par. 1, lett. a', 'revisori', 'portabilità', 'rettifica', 'cancellazione', 'opporvi', 'reclamo']) {
      expect(italianText, words).toContain(words);
    }
    expect(renderPrivacyPage(facts, 'it').value).toContain('<a href="https://www.garanteprivacy.it/" rel="noopener">Garante per la protezione dei dati personali</a>');
  });

  it('is a page of the Hub of its own, with its landmarks, and links to the other language', () => {
    // Act
    const page = renderPrivacyPage(facts, 'it').value;

    // Assess
    expect(page.match(/<main\b/g)).toHaveLength(1);
    expect(page).toContain('<header class="site">');
    expect(page).toContain('<a href="/privacy?lang=en" lang="en" hreflang="en">English</a>');
  });

  it('escapes what the configuration says', () => {
    // Act
    const page = renderPrivacyPage({ ...facts, controller: '<b>Hub</b>' }, 'en').value;

    // Assess
    expect(page).toContain('&lt;b&gt;Hub&lt;/b&gt;');
  });

  it('says a period in the largest whole unit, in the reader’s language', () => {
    expect(periodText(7 * 86_400, 'it')).toBe('7 giorni');
    expect(periodText(86_400, 'en')).toBe('1 day');
    expect(periodText(730 * 86_400, 'it')).toBe('730 giorni');
    expect(periodText(7200, 'en')).toBe('2 hours');
    expect(periodText(90, 'it')).toBe('90 secondi');
  });
});

describe('the controller the notice names', () => {
  it('is the stage’s configuration, handed to the functions', () => {
    // Act
    const prod = stageConfig('prod');
    const config = parseConfig({ TABLE_NAME: 't', PUBLIC_BASE_URL: 'https://hub.example.org', MAIL_FROM: 'hub@example.org', PRIVACY_CONTROLLER: 'Hub Example S.r.l.', PRIVACY_CONTACT_EMAIL: 'dpo@hub.example.org' }, JSON.stringify([humanitas]));

    // Assess
    expect(prod.privacy).toEqual(DEFAULT_PRIVACY);
    expect(config.PRIVACY_CONTROLLER).toBe('Hub Example S.r.l.');
    expect(config.PRIVACY_CONTACT_EMAIL).toBe('dpo@hub.example.org');
  });

  it('defaults to the Hub where nothing is set', () => {
    // Act
    const config = parseConfig({ TABLE_NAME: 't', PUBLIC_BASE_URL: 'https://hub.example.org', MAIL_FROM: 'hub@example.org' }, JSON.stringify([humanitas]));

    // Assess
    expect(config.PRIVACY_CONTROLLER).toBe('Lombardy Digital Health Innovation Hub');
    expect(config.PRIVACY_CONTACT_EMAIL).toBe(DEFAULT_PRIVACY.contactEmail);
  });

  it('refuses a contact that is no address, naming it', () => {
    expect(() =>
      parseConfig({ TABLE_NAME: 't', PUBLIC_BASE_URL: 'https://hub.example.org', MAIL_FROM: 'hub@example.org', PRIVACY_CONTACT_EMAIL: 'nobody' }, JSON.stringify([humanitas])),
    ).toThrow(/PRIVACY_CONTACT_EMAIL/);
  });
});

describe('the consent box of the form', () => {
  it.each(['it', 'en'] as const)('links to the Hub’s notice in the form’s language, in a new tab (%s)', (lang) => {
    // Act
    const link = consentLink(renderFormPage({ partner: humanitas, lang }).value);

    // Assess
    expect(link).toBe(`<a href="/privacy?lang=${lang}" target="_blank" rel="noopener">`);
  });

  it('says the link opens a new tab, and keeps the box named by its whole sentence', () => {
    // Act
    const page = renderFormPage({ partner: humanitas, lang: 'en' }).value;
    const label = /<label class="option"><input id="field-consent"[^>]*> <span>(.*?)<\/span><\/label>/s.exec(page)?.[1] ?? '';

    // Assess
    expect(textOf(label).replace(/ \(opens in a new tab\)/, '')).toBe('I have read the privacy notice and agree to the processing of my contact data to handle this case. *');
    expect(label).toContain('<span class="visually-hidden"> (opens in a new tab)</span>');
  });

  it('links to the partner’s own notice when the partner has one', () => {
    // Prepare
    const one = Partner.parse({ ...humanitas, privacyNoticeUrl: 'https://www.humanitas.it/privacy' });
    const each = Partner.parse({ ...humanitas, privacyNoticeUrl: { it: 'https://www.humanitas.it/privacy', en: 'https://www.humanitas.it/en/privacy?x=1&y=2' } });

    // Act + Assess
    expect(consentLink(renderFormPage({ partner: one, lang: 'en' }).value)).toBe('<a href="https://www.humanitas.it/privacy" target="_blank" rel="noopener">');
    expect(consentLink(renderFormPage({ partner: each, lang: 'it' }).value)).toBe('<a href="https://www.humanitas.it/privacy" target="_blank" rel="noopener">');
    expect(consentLink(renderFormPage({ partner: each, lang: 'en' }).value)).toBe('<a href="https://www.humanitas.it/en/privacy?x=1&amp;y=2" target="_blank" rel="noopener">');
  });

  it('links to the partner’s notice from the edit page as well', () => {
    // Prepare
    const partner = Partner.parse({ ...humanitas, privacyNoticeUrl: 'https://www.humanitas.it/privacy' });

    // Act
    const link = consentLink(renderFormPage({ partner, lang: 'it', standalone: true, action: '/cases/X/edit?token=t' }).value);

    // Assess
    expect(link).toContain('href="https://www.humanitas.it/privacy"');
  });
});

describe('a partner’s own privacy notice', () => {
  it('is one https address or one per language', () => {
    expect(partnerPrivacyNotice(Partner.parse({ ...humanitas, privacyNoticeUrl: 'https://www.humanitas.it/privacy' }), 'it')).toBe('https://www.humanitas.it/privacy');
    expect(partnerPrivacyNotice(Partner.parse({ ...humanitas, privacyNoticeUrl: { it: 'https://a.example.org/it', en: 'https://a.example.org/en' } }), 'en')).toBe('https://a.example.org/en');
    expect(partnerPrivacyNotice(humanitas, 'it')).toBeUndefined();
  });

  it.each([
    ['plain http', 'http://www.humanitas.it/privacy'],
    ['a script', 'javascript:alert(1)'],
    ['no address', 'privacy'],
    ['one language only', { it: 'https://www.humanitas.it/privacy' }],
  ])('refuses %s', (_what, privacyNoticeUrl) => {
    expect(Partner.safeParse({ ...humanitas, privacyNoticeUrl }).success).toBe(false);
  });
});
