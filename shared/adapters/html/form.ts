import {
  CARE_SETTINGS,
  CASE_KINDS,
  CLINICAL_AREAS,
  FUNDING,
  HONEYPOT_FIELD,
  INTEROPERABILITY,
  LANGUAGES,
  MEDICAL_DEVICE_CLASSES,
  REIMBURSEMENT,
  STAGES,
  TARGET_POPULATIONS,
  TECHNOLOGIES,
  TELEX_SERVICES,
  type Language,
} from '../../core/case';
import { CHALLENGE_FIELD } from '../../app/challenge';
import { fieldLabel, valueLabel } from '../../core/i18n';
import { partnerPrivacyNotice, type Partner } from '../../core/partners';
import type { FieldError } from '../../core/validation';
import { EMBED_QUERY } from './framing';
import { html, type SafeHtml } from './html';
import { ASSET_VERSION, layout } from './pages';

type Values = Record<string, unknown>;

export interface FormOptions {
  partner: Partner;
  lang: Language;
  /** Values to fill in: what was posted, or the case being amended. */
  values?: Values;
  errors?: readonly FieldError[];
  /** Where the form posts; `/cases?lang=` for a new case. */
  action?: string;
  heading?: string;
  /** A message above the form, such as the changes the reviewers ask for. */
  notice?: { title: string; text: string };
  /** A page of its own (the edit link) rather than the partner's embedded form. */
  standalone?: boolean;
  /** Shown in the partner's iframe (`isFramed`): no landmarks, and the pages after it stay framed. */
  framed?: boolean;
}

const HINTS: Record<string, Record<Language, string>> = {
  title: { it: 'Da 3 a 160 caratteri.', en: '3 to 160 characters.' },
  summary: {
    it: 'Obiettivi, servizio offerto, risultati: da 20 a 5000 caratteri.',
    en: 'Goals, the service offered, results: 20 to 5000 characters.',
  },
  'facility.code': {
    it: 'Se indicato, identifica la struttura nel conteggio dello Hub.',
    en: 'When given, it identifies the facility in the Hub’s figures.',
  },
  telexServices: { it: 'Solo per i casi di Tele-X: almeno uno.', en: 'Tele-X cases only: at least one.' },
  clinicalAreas: { it: 'Almeno una.', en: 'At least one.' },
  targetPopulation: { it: 'A chi si rivolge il servizio.', en: 'Whom the service is for.' },
  medicalDevice: {
    it: 'La classe del software secondo il Regolamento UE 2017/745 (MDR).',
    en: 'The software’s class under the EU Medical Device Regulation 2017/745 (MDR).',
  },
  patientsImpacted: { it: 'Numero intero, per esempio 1200.', en: 'A whole number, for example 1200.' },
  'contact.email': {
    it: 'Riceverete qui la ricevuta e l’esito della revisione.',
    en: 'You will get the receipt and the review outcome here.',
  },
};

const TEXT = {
  it: {
    title: 'Segnala un caso allo Hub',
    intro: 'Raccontateci un servizio di Tele-X, un’applicazione digitale per l’ospedale, un bisogno o una proposta progettuale. I campi con * sono obbligatori.',
    errorsHeading: 'Il modulo contiene errori',
    about: 'Il caso',
    where: 'Dove',
    who: 'Referente',
    classification: 'Classificazione',
    optional: 'facoltativo',
    choose: '— scegliere —',
    consentBefore: 'Ho letto l’',
    consentLink: 'informativa privacy',
    consentAfter: ' e acconsento al trattamento dei dati di contatto per la gestione del caso. *',
    newTab: ' (si apre in una nuova scheda)',
    consentNote: 'I dati di contatto servono solo a comunicare con voi su questo caso e non vengono mai pubblicati.',
    submit: 'Invia il caso',
    honeypot: 'Non compilare questo campo',
    challenge: 'Verifica anti-spam',
    challengeRequired: 'Spuntare la casella «Non sono un robot» e attendere la verifica prima di inviare.',
    challengeHint: 'Il browser svolge un breve calcolo che ferma gli invii automatici; non serve altro. Senza JavaScript il modulo non si può inviare.',
    otherLanguage: 'English',
  },
  en: {
    title: 'Submit a case to the Hub',
    intro: 'Tell us about a Tele-X service, a digital hospital application, a need or a project proposal. Fields marked * are required.',
    errorsHeading: 'The form has errors',
    about: 'The case',
    where: 'Where',
    who: 'Contact',
    classification: 'Classification',
    optional: 'optional',
    choose: '— choose —',
    consentBefore: 'I have read the ',
    consentLink: 'privacy notice',
    consentAfter: ' and agree to the processing of my contact data to handle this case. *',
    newTab: ' (opens in a new tab)',
    consentNote: 'Contact data is used only to talk to you about this case and is never published.',
    submit: 'Submit the case',
    honeypot: 'Do not fill in this field',
    challenge: 'Spam check',
    challengeRequired: 'Tick “I am not a robot” and wait for the check before submitting.',
    challengeHint: 'Your browser does a short computation that stops automated posts; nothing else is needed. The form cannot be sent without JavaScript.',
    otherLanguage: 'Italiano',
  },
} satisfies Record<Language, Record<string, string>>;

/**
 * Where the error of a whole group goes: a form left blank posts no `facility.*` (empty values
 * count as absent), and the server reports `facility` missing, a path with no control of its own.
 */
const GROUP_FIELDS: Record<string, readonly string[]> = {
  facility: ['facility.name'],
  contact: ['contact.name', 'contact.email'],
};

/** The controls an error path belongs to. */
const errorTargets = (path: string): readonly string[] => (Object.hasOwn(GROUP_FIELDS, path) ? GROUP_FIELDS[path] : undefined) ?? [path];

/** The hint of a control; a path is the caller's data, never looked up on a prototype. */
const hintOf = (path: string): Record<Language, string> | undefined => (Object.hasOwn(HINTS, path) ? HINTS[path] : undefined);

/** `facility.name` → `field-facility-name`: a valid, stable id for a field's control. */
const controlId = (path: string) => `field-${path.replace(/\./g, '-')}`;

function valueAt(values: Values, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Values)[key] : undefined), values);
}

function stringAt(values: Values, path: string): string {
  const value = valueAt(values, path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function listAt(values: Values, path: string): string[] {
  const value = valueAt(values, path);
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

class FormRenderer {
  private readonly errorsByPath = new Map<string, string[]>();

  constructor(
    private readonly lang: Language,
    private readonly values: Values,
    errors: readonly FieldError[],
  ) {
    for (const error of errors) {
      for (const path of errorTargets(error.path)) {
        const list = this.errorsByPath.get(path) ?? [];
        list.push(error.message);
        this.errorsByPath.set(path, list);
      }
    }
  }

  private describedBy(path: string): string | undefined {
    const ids = [hintOf(path) ? `${controlId(path)}-hint` : '', this.errorsByPath.has(path) ? `${controlId(path)}-error` : '']
      .filter(Boolean)
      .join(' ');
    return ids || undefined;
  }

  private label(path: string, required: boolean): SafeHtml {
    return html`${fieldLabel(path, this.lang)}${required ? ' *' : html` <span class="muted">(${TEXT[this.lang].optional})</span>`}`;
  }

  hintAndError(path: string): SafeHtml {
    const hint = hintOf(path)?.[this.lang];
    const errors = this.errorsByPath.get(path);
    return html`${hint ? html`<p class="hint" id="${controlId(path)}-hint">${hint}</p>` : ''}${
      errors ? html`<p class="field-error" id="${controlId(path)}-error">${errors.join(' ')}</p>` : ''
    }`;
  }

  /** A control's `aria-describedby` (its hint and error) and `aria-invalid`. */
  aria(path: string): SafeHtml {
    const describedBy = this.describedBy(path);
    return html`${describedBy ? html` aria-describedby="${describedBy}"` : ''}${this.errorsByPath.has(path) ? html` aria-invalid="true"` : ''}`;
  }

  input(path: string, options: { required?: boolean; type?: string; attrs?: SafeHtml; autocomplete?: string }): SafeHtml {
    const { required = false, type = 'text', attrs = html``, autocomplete } = options;
    const id = controlId(path);
    return html`<div class="field${this.errorsByPath.has(path) ? ' has-error' : ''}">
<label for="${id}">${this.label(path, required)}</label>
${this.hintAndError(path)}
<input id="${id}" name="${path}" type="${type}" value="${stringAt(this.values, path)}"${required ? html` required` : ''}${autocomplete ? html` autocomplete="${autocomplete}"` : ''}${attrs}${this.aria(path)}>
</div>`;
  }

  textarea(path: string, attrs: SafeHtml): SafeHtml {
    const id = controlId(path);
    return html`<div class="field${this.errorsByPath.has(path) ? ' has-error' : ''}">
<label for="${id}">${this.label(path, true)}</label>
${this.hintAndError(path)}
<textarea id="${id}" name="${path}" rows="8" required${attrs}${this.aria(path)}>${stringAt(this.values, path)}</textarea>
</div>`;
  }

  select(path: string, options: readonly string[], selected?: string): SafeHtml {
    const id = controlId(path);
    const current = stringAt(this.values, path) || selected || '';
    return html`<div class="field${this.errorsByPath.has(path) ? ' has-error' : ''}">
<label for="${id}">${this.label(path, false)}</label>
${this.hintAndError(path)}
<select id="${id}" name="${path}"${this.aria(path)}>
<option value="">${TEXT[this.lang].choose}</option>
${options.map((value) => html`<option value="${value}"${current === value ? html` selected` : ''}>${valueLabel(value, this.lang, path)}</option>`)}
</select>
</div>`;
  }

  /** A group of radio buttons (one value) or checkboxes (a list) inside a fieldset with a legend. */
  choices(path: string, options: readonly string[], config: { multiple: boolean; required: boolean; attrs?: SafeHtml; fallback?: string }): SafeHtml {
    const chosen = listAt(this.values, path);
    if (chosen.length === 0 && config.fallback) chosen.push(config.fallback);
    const id = controlId(path);
    return html`<fieldset class="field choices${this.errorsByPath.has(path) ? ' has-error' : ''}" id="${id}"${config.attrs ?? ''}${this.aria(path)}>
<legend>${this.label(path, config.required)}</legend>
${this.hintAndError(path)}
<div class="options">
${options.map(
  (value) =>
    html`<label class="option"><input type="${config.multiple ? 'checkbox' : 'radio'}" name="${path}" value="${value}"${chosen.includes(value) ? html` checked` : ''}${!config.multiple && config.required ? html` required` : ''}> <span>${valueLabel(value, this.lang, path)}</span></label>`,
)}
</div>
</fieldset>`;
  }

  errorSummary(errors: readonly FieldError[]): SafeHtml {
    if (errors.length === 0) return html``;
    return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary">
<h2>${TEXT[this.lang].errorsHeading}</h2>
<ul>${errors.map((error) => html`<li><a href="#${controlId(errorTargets(error.path)[0] ?? error.path)}">${error.message}</a></li>`)}</ul>
</div>`;
  }
}

/**
 * The proof-of-work check of the Hub's form (ALTCHA): the widget fetches a challenge for the
 * partner, solves it in workers and posts the payload as `altcha`.
 */
function challengeWidget(partner: Partner, lang: Language): SafeHtml {
  const t = TEXT[lang];
  return html`<link rel="stylesheet" href="/assets/altcha.css?v=${ASSET_VERSION}">
<fieldset class="field choices challenge" aria-describedby="field-challenge-hint"><legend>${t.challenge}</legend>
<p class="hint" id="field-challenge-hint">${t.challengeHint}</p>
<altcha-widget challenge="/challenge?partner=${encodeURIComponent(partner.id)}" name="${CHALLENGE_FIELD}" language="${lang}" auto="onload" type="checkbox" configuration="${JSON.stringify({ validationMessage: t.challengeRequired })}"></altcha-widget>
<p class="visually-hidden" id="challenge-status" role="status" aria-live="polite"></p>
</fieldset>`;
}

/**
 * The consent box, whose label links to the privacy notice: the partner's own when it has one,
 * else the Hub's. In a new tab, so that what was typed in the form is not lost.
 */
function consentBox(partner: Partner, lang: Language, checked: boolean, f: FormRenderer, hasError: boolean): SafeHtml {
  const t = TEXT[lang];
  const notice = partnerPrivacyNotice(partner, lang) ?? `/privacy?lang=${lang}`;
  return html`<div class="field consent${hasError ? ' has-error' : ''}">
${f.hintAndError('consent')}
<label class="option"><input id="field-consent" type="checkbox" name="consent" value="true" required${checked ? html` checked` : ''}${f.aria('consent')}> <span>${t.consentBefore}<a href="${notice}" target="_blank" rel="noopener">${t.consentLink}<span class="visually-hidden">${t.newTab}</span></a>${t.consentAfter}</span></label>
<p class="hint">${t.consentNote}</p>
</div>`;
}

/** The embeddable submission form as a whole page, in Italian or English, optionally filled and with errors. */
export function renderFormPage(options: FormOptions): SafeHtml {
  const framed = options.framed === true && !options.standalone;
  const flag = framed ? `&${EMBED_QUERY}` : '';
  const { partner, lang, values = {}, errors = [], action = `/cases?lang=${lang}${flag}` } = options;
  const t = TEXT[lang];
  const f = new FormRenderer(lang, values, errors);
  const other: Language = lang === 'it' ? 'en' : 'it';
  const heading = options.heading ?? t.title;
  const body = html`
${options.standalone ? '' : html`<p class="lang-switch"><a href="/form?partner=${encodeURIComponent(partner.id)}&amp;lang=${other}${flag}" lang="${other}" hreflang="${other}">${t.otherLanguage}</a></p>`}
<h1>${heading}</h1>
${options.notice ? html`<div class="notice" role="note"><h2>${options.notice.title}</h2><blockquote>${options.notice.text}</blockquote></div>` : html`<p class="lead">${t.intro}</p>`}
<p class="partner">${lang === 'it' ? 'Partner' : 'Partner'}: <strong>${partner.name}</strong></p>
${f.errorSummary(errors)}
<form method="post" action="${action}" class="case-form" accept-charset="utf-8" data-lang="${lang}">
<input type="hidden" name="partner" value="${partner.id}">
<fieldset class="section"><legend>${t.about}</legend>
${f.choices('kind', CASE_KINDS, { multiple: false, required: true })}
${f.input('title', { required: true, attrs: html` minlength="3" maxlength="160"` })}
${f.textarea('summary', html` minlength="20" maxlength="5000"`)}
${f.choices('telexServices', TELEX_SERVICES, { multiple: true, required: true, attrs: html` data-requires-kind="telex"` })}
${f.choices('clinicalAreas', CLINICAL_AREAS, { multiple: true, required: true, attrs: html` data-min="1"` })}
${f.choices('targetPopulation', TARGET_POPULATIONS, { multiple: true, required: false })}
</fieldset>
<fieldset class="section"><legend>${t.where}</legend>
${f.input('facility.name', { required: true, attrs: html` minlength="2" maxlength="200"`, autocomplete: 'organization' })}
${f.input('facility.code', { attrs: html` pattern="[A-Za-z0-9\\-]{2,20}" maxlength="20"` })}
${f.choices('careSettings', CARE_SETTINGS, { multiple: true, required: false })}
</fieldset>
<fieldset class="section"><legend>${t.classification}</legend>
${f.select('stage', STAGES)}
${f.input('patientsImpacted', { type: 'number', attrs: html` min="0" max="100000000" step="1" inputmode="numeric"` })}
${f.input('startDate', { type: 'date' })}
${f.choices('technologies', TECHNOLOGIES, { multiple: true, required: false })}
${f.choices('funding', FUNDING, { multiple: true, required: false })}
${f.select('reimbursement', REIMBURSEMENT)}
${f.choices('interoperability', INTEROPERABILITY, { multiple: true, required: false })}
${f.select('medicalDevice', MEDICAL_DEVICE_CLASSES)}
</fieldset>
<fieldset class="section"><legend>${t.who}</legend>
${f.input('contact.name', { required: true, attrs: html` minlength="2" maxlength="120"`, autocomplete: 'name' })}
${f.input('contact.email', { required: true, type: 'email', attrs: html` maxlength="254"`, autocomplete: 'email' })}
${f.input('contact.role', { attrs: html` minlength="2" maxlength="120"`, autocomplete: 'organization-title' })}
${f.choices('language', LANGUAGES, { multiple: false, required: true, fallback: lang })}
</fieldset>
<div class="hp" aria-hidden="true"><label for="field-${HONEYPOT_FIELD}">${t.honeypot}</label><input id="field-${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off" value=""></div>
${consentBox(partner, lang, valueAt(values, 'consent') === true, f, errors.some((e) => e.path === 'consent'))}
${options.standalone ? '' : challengeWidget(partner, lang)}
<p><button type="submit">${t.submit}</button></p>
</form>`;
  // `same-origin`: the post carries the Hub's own Origin (allowed), and no address leaves the Hub.
  const scripts = options.standalone ? ['/assets/form.js'] : ['/assets/altcha.js', '/assets/form.js'];
  // Framed, no landmark clashes with the partner's page; opened on its own (the edit link, or the
  // form from embed.js's fallback link), it is a page of the Hub with its header.
  return layout({ lang, title: heading, body, framed, scripts, referrerPolicy: 'same-origin' });
}
