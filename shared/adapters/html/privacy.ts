import type { Language } from '../../core/case';
import { html, type SafeHtml } from './html';
import { layout } from './pages';

/**
 * What the notice states, as the stage runs it: the controller and the periods the purge and the
 * stacks apply. `test/infra/privacy-notice.test.ts` keeps the fixed periods in step with the stacks.
 */
export interface PrivacyFacts {
  controller: string;
  contactEmail: string;
  /** Days after a decision when the daily purge erases the submitter's contact data (`RETENTION_DAYS`). */
  retentionDays: number;
  /** How long a form case waits for its contact's confirmation before the purge closes it and erases it (`CONFIRM_WINDOW_SECONDS`). */
  confirmWindowSeconds: number;
}

/** Days the table's backups (AWS Backup and point-in-time recovery) are kept. */
export const BACKUP_DAYS = 35;
/** Days the edge's access logs and the firewall's logs (client addresses) are kept. */
export const REQUEST_LOG_DAYS = 90;
/** Days an address's daily mail counter is kept (it holds a hash of the address, never the address). */
export const MAIL_COUNTER_DAYS = 2;

/** The date of this text: a change to what it says moves it. */
export const PRIVACY_NOTICE_DATE = '2026-12-02';

const UNITS = [
  { seconds: 86_400, it: ['giorno', 'giorni'], en: ['day', 'days'] },
  { seconds: 3600, it: ['ora', 'ore'], en: ['hour', 'hours'] },
  { seconds: 60, it: ['minuto', 'minuti'], en: ['minute', 'minutes'] },
  { seconds: 1, it: ['secondo', 'secondi'], en: ['second', 'seconds'] },
] as const;

/** `7 giorni`, `1 day`, `90 minutes`: the largest unit the period is a whole number of. */
export function periodText(seconds: number, lang: Language): string {
  const unit = UNITS.find((candidate) => seconds % candidate.seconds === 0) ?? UNITS[UNITS.length - 1]!;
  const count = Math.round(seconds / unit.seconds);
  return `${count.toLocaleString(lang === 'it' ? 'it-IT' : 'en-GB')} ${unit[lang][count === 1 ? 0 : 1]}`;
}

const days = (count: number, lang: Language) => periodText(count * 86_400, lang);

interface Section {
  heading: string;
  body: SafeHtml;
}

function italian(f: PrivacyFacts, mail: SafeHtml): { title: string; lead: string; sections: Section[]; updated: string; other: string } {
  return {
    title: 'Informativa sul trattamento dei dati personali',
    lead: 'Per chi segnala un caso allo Hub dal modulo o tramite un partner (articoli 13 e 14 del Regolamento UE 2016/679, GDPR).',
    updated: 'Versione del',
    other: 'English',
    sections: [
      {
        heading: 'Titolare del trattamento',
        body: html`<p>${f.controller}. Per ogni domanda sui vostri dati e per esercitare i vostri diritti scrivete a ${mail}.</p>`,
      },
      {
        heading: 'Quali dati trattiamo',
        body: html`<ul>
<li>I dati di contatto del referente: nome, indirizzo email e, se indicato, il ruolo.</li>
<li>Il caso come lo scrivete (titolo, descrizione, struttura, classificazione) e la lingua scelta. Vi chiediamo di non inserire dati di pazienti.</li>
<li>I dati tecnici delle richieste al servizio (indirizzo IP, ora, indirizzo richiesto), nei registri di sicurezza.</li>
</ul>`,
      },
      {
        heading: 'Perché e su quale base',
        body: html`<ul>
<li>Gestire il caso: confermare il vostro indirizzo, inviarvi la ricevuta, farlo esaminare ai revisori dello Hub, chiedervi modifiche e comunicarvi l’esito. Base giuridica: il vostro consenso, dato con la casella del modulo (art. 6, par. 1, lett. a); potete revocarlo in ogni momento, senza effetto sul trattamento già svolto.</li>
<li>Pubblicare i casi approvati nel catalogo e nelle cifre dello Hub: solo i campi pubblici del caso, mai i dati di contatto.</li>
<li>Proteggere il servizio da abusi (limiti di invio per indirizzo, registri di sicurezza). Base giuridica: il legittimo interesse del titolare alla sicurezza del servizio (art. 6, par. 1, lett. f).</li>
</ul>
<p>I dati di contatto sono necessari per inviare un caso: senza di essi non possiamo gestirlo. Nessuna decisione è automatizzata: ogni caso lo decidono persone, i revisori dello Hub.</p>`,
      },
      {
        heading: 'A chi li comunichiamo',
        body: html`<ul>
<li>Ai revisori dello Hub, che esaminano il caso.</li>
<li>Al partner dello Hub dal cui sito, o dai cui sistemi, è arrivato il caso.</li>
<li>Al fornitore che ospita il servizio, Amazon Web Services, responsabile del trattamento: i dati sono conservati nell’Unione europea (Milano); i soli registri di sicurezza del firewall sono tenuti negli Stati Uniti, con le garanzie del contratto sul trattamento dei dati di AWS.</li>
</ul>`,
      },
      {
        heading: 'Per quanto tempo',
        body: html`<ul>
<li>Un caso inviato dal modulo il cui indirizzo non viene confermato entro ${periodText(f.confirmWindowSeconds, 'it')} viene chiuso e i suoi dati di contatto cancellati, alla cancellazione automatica giornaliera.</li>
<li>Dopo la decisione (approvazione, rifiuto o scadenza) i dati di contatto sono cancellati, dal caso e da ogni sua versione, ${days(f.retentionDays, 'it')} dopo la decisione, alla cancellazione automatica giornaliera. Il caso resta, senza dati di contatto; quelli approvati restano pubblici.</li>
<li>Che un indirizzo sia stato confermato per un partner lo ricordiamo, come impronta dell’indirizzo e non come indirizzo, finché non ne chiedete la cancellazione; i contatori giornalieri degli invii per indirizzo, anch’essi un’impronta, scadono dopo ${days(MAIL_COUNTER_DAYS, 'it')}.</li>
<li>I registri di sicurezza sono conservati ${days(REQUEST_LOG_DAYS, 'it')}; le copie di sicurezza dei dati ${days(BACKUP_DAYS, 'it')}, dopo di che anche ciò che è stato cancellato non vi compare più.</li>
</ul>`,
      },
      {
        heading: 'I vostri diritti',
        body: html`<p>Potete chiedere in ogni momento:</p>
<ul>
<li>l’accesso ai vostri dati (art. 15) e la loro portabilità (art. 20): vi inviamo tutto ciò che conserviamo sul vostro indirizzo, in un file JSON leggibile da una macchina;</li>
<li>la rettifica di dati inesatti (art. 16);</li>
<li>la cancellazione (art. 17): cancelliamo il vostro indirizzo e i vostri dati di contatto da ogni caso, versione e richiesta che li contiene;</li>
<li>la limitazione del trattamento (art. 18) e di opporvi al trattamento basato sul legittimo interesse (art. 21);</li>
<li>di revocare il consenso (art. 7, par. 3).</li>
</ul>
<p>Scrivete a ${mail} dall’indirizzo che riguarda la richiesta: rispondiamo entro un mese. Avete inoltre diritto di proporre reclamo al <a href="https://www.garanteprivacy.it/" rel="noopener">Garante per la protezione dei dati personali</a> (art. 77).</p>`,
      },
      {
        heading: 'Se il partner ha una propria informativa',
        body: html`<p>Un partner può indicare nel modulo la propria informativa, per i dati che tratta come titolare; questa informativa vale per i dati che tratta lo Hub.</p>`,
      },
    ],
  };
}

function english(f: PrivacyFacts, mail: SafeHtml): { title: string; lead: string; sections: Section[]; updated: string; other: string } {
  return {
    title: 'Privacy notice',
    lead: 'For people who submit a case to the Hub through its form or through a partner (Articles 13 and 14 of Regulation (EU) 2016/679, the GDPR).',
    updated: 'Version of',
    other: 'Italiano',
    sections: [
      {
        heading: 'Controller',
        body: html`<p>${f.controller}. For any question about your data and to exercise your rights, write to ${mail}.</p>`,
      },
      {
        heading: 'What data we process',
        body: html`<ul>
<li>The contact person’s data: name, email address and, when given, role.</li>
<li>The case as you write it (title, summary, facility, classification) and the language chosen. Please do not include patients’ data.</li>
<li>Technical data of the requests to the service (IP address, time, address requested), in the security logs.</li>
</ul>`,
      },
      {
        heading: 'Why, and on what basis',
        body: html`<ul>
<li>To handle the case: confirm your address, send you the receipt, have the Hub’s reviewers examine it, ask you for changes and tell you the outcome. Legal basis: your consent, given with the form’s checkbox (Art. 6(1)(a)); you may withdraw it at any time, without affecting the processing done before.</li>
<li>To publish approved cases in the Hub’s catalogue and figures: only the case’s public fields, never contact data.</li>
<li>To protect the service from abuse (sending limits per address, security logs). Legal basis: the controller’s legitimate interest in the security of the service (Art. 6(1)(f)).</li>
</ul>
<p>Contact data is needed to submit a case: without it we cannot handle it. No decision is automated: people, the Hub’s reviewers, decide every case.</p>`,
      },
      {
        heading: 'Who receives it',
        body: html`<ul>
<li>The Hub’s reviewers, who examine the case.</li>
<li>The Hub partner whose site, or whose systems, the case came from.</li>
<li>The provider that hosts the service, Amazon Web Services, as processor: the data is kept in the European Union (Milan); only the firewall’s security logs are kept in the United States, under AWS’s data processing addendum.</li>
</ul>`,
      },
      {
        heading: 'For how long',
        body: html`<ul>
<li>A case sent through the form whose address is not confirmed within ${periodText(f.confirmWindowSeconds, 'en')} is closed and its contact data erased, at the daily automatic erasure.</li>
<li>After the decision (approval, rejection or expiry) the contact data is erased, from the case and from every version of it, ${days(f.retentionDays, 'en')} after the decision, at the daily automatic erasure. The case stays, without contact data; approved ones stay public.</li>
<li>That an address was confirmed for a partner we remember, as a fingerprint of the address and not the address, until you ask for erasure; the daily counters of mails per address, a fingerprint as well, expire after ${days(MAIL_COUNTER_DAYS, 'en')}.</li>
<li>Security logs are kept ${days(REQUEST_LOG_DAYS, 'en')}; backups of the data ${days(BACKUP_DAYS, 'en')}, after which what was erased is gone from them too.</li>
</ul>`,
      },
      {
        heading: 'Your rights',
        body: html`<p>You may ask at any time for:</p>
<ul>
<li>access to your data (Art. 15) and its portability (Art. 20): we send you everything we hold about your address, as a machine-readable JSON file;</li>
<li>rectification of inaccurate data (Art. 16);</li>
<li>erasure (Art. 17): we erase your address and contact data from every case, version and request that holds them;</li>
<li>restriction of processing (Art. 18), and object to the processing based on legitimate interest (Art. 21);</li>
<li>withdrawal of your consent (Art. 7(3)).</li>
</ul>
<p>Write to ${mail} from the address the request is about: we answer within one month. You also have the right to lodge a complaint with the Italian supervisory authority, the <a href="https://www.garanteprivacy.it/" rel="noopener">Garante per la protezione dei dati personali</a> (Art. 77).</p>`,
      },
      {
        heading: 'When the partner has a notice of its own',
        body: html`<p>A partner may have the form link to its own notice, for the data it processes as controller; this notice covers the data the Hub processes.</p>`,
      },
    ],
  };
}

/** The Hub's privacy notice, the page the form's consent box links to, in Italian or English. */
export function renderPrivacyPage(facts: PrivacyFacts, language: Language): SafeHtml {
  const mail = html`<a href="mailto:${facts.contactEmail}">${facts.contactEmail}</a>`;
  const text = language === 'it' ? italian(facts, mail) : english(facts, mail);
  const other: Language = language === 'it' ? 'en' : 'it';
  const date = new Date(`${PRIVACY_NOTICE_DATE}T00:00:00Z`).toLocaleDateString(language === 'it' ? 'it-IT' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const body = html`<p class="lang-switch"><a href="/privacy?lang=${other}" lang="${other}" hreflang="${other}">${text.other}</a></p>
<h1>${text.title}</h1>
<p class="lead">${text.lead}</p>
${text.sections.map((section) => html`<h2>${section.heading}</h2>
${section.body}`)}
<p class="muted">${text.updated} <time datetime="${PRIVACY_NOTICE_DATE}">${date}</time>.</p>`;
  return layout({ lang: language, title: text.title, body });
}
