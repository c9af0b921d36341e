import type { Language } from './case';

/** Picks the caller's language: an explicit choice first, then Accept-Language, then the fallback (Italian). */
export function pickLanguage(explicit?: string | null, acceptLanguage?: string | null, fallback: unknown = 'it'): Language {
  if (explicit === 'it' || explicit === 'en') return explicit;
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part, index) => {
        const [tag = '', ...params] = part.trim().toLowerCase().split(';');
        const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
        return { tag: tag.split('-')[0], q: q ? Number(q.slice(2)) : 1, index };
      })
      .filter((entry) => Number.isFinite(entry.q) && entry.q > 0)
      .sort((a, b) => b.q - a.q || a.index - b.index);
    for (const { tag } of ranked) {
      if (tag === 'it' || tag === 'en') return tag;
    }
  }
  return fallback === 'en' ? 'en' : 'it';
}

type Bilingual = Record<Language, string>;

/** Labels of the submission's fields, as partners and reviewers read them. */
export const FIELD_LABELS: Record<string, Bilingual> = {
  partner: { it: 'Partner', en: 'Partner' },
  kind: { it: 'Tipo di caso', en: 'Kind of case' },
  title: { it: 'Titolo', en: 'Title' },
  summary: { it: 'Descrizione', en: 'Summary' },
  facility: { it: 'Struttura', en: 'Facility' },
  'facility.name': { it: 'Nome della struttura', en: 'Facility name' },
  'facility.code': { it: 'Codice ministeriale della struttura', en: 'Ministerial facility code' },
  contact: { it: 'Referente', en: 'Contact' },
  'contact.name': { it: 'Nome e cognome del referente', en: 'Contact name' },
  'contact.email': { it: 'Email del referente', en: 'Contact email' },
  'contact.role': { it: 'Ruolo del referente', en: 'Contact role' },
  telexServices: { it: 'Servizi di Tele-X', en: 'Tele-X services' },
  clinicalAreas: { it: 'Aree cliniche', en: 'Clinical areas' },
  careSettings: { it: 'Setting di cura', en: 'Care settings' },
  technologies: { it: 'Tecnologie', en: 'Technologies' },
  stage: { it: 'Fase del progetto', en: 'Project stage' },
  patientsImpacted: { it: 'Pazienti impattati', en: 'Patients reached' },
  funding: { it: 'Finanziamento', en: 'Funding' },
  reimbursement: { it: 'Rimborsabilità', en: 'Reimbursement' },
  interoperability: { it: 'Interoperabilità', en: 'Interoperability' },
  startDate: { it: 'Data di avvio', en: 'Start date' },
  targetPopulation: { it: 'Popolazione destinataria', en: 'Target population' },
  medicalDevice: { it: 'Dispositivo medico (classe MDR)', en: 'Medical device (MDR class)' },
  language: { it: 'Lingua delle comunicazioni', en: 'Language of our emails' },
  consent: { it: 'Informativa privacy', en: 'Privacy notice' },
};

/**
 * Labels of enumeration values, keyed by value: values are unique across enumerations, except
 * where {@link FIELD_VALUE_LABELS} gives a field its own label for a value shared with another.
 */
export const VALUE_LABELS: Record<string, Bilingual> = {
  telex: { it: 'Servizio di Tele-X', en: 'Tele-X service' },
  'hospital-app': { it: 'Applicazione digitale per ospedale', en: 'Digital hospital application' },
  need: { it: 'Bisogno', en: 'Need' },
  proposal: { it: 'Proposta progettuale', en: 'Project proposal' },
  televisita: { it: 'Televisita', en: 'Televisit' },
  teleconsulto: { it: 'Teleconsulto', en: 'Teleconsultation' },
  teleconsulenza: { it: 'Teleconsulenza', en: 'Tele-expertise' },
  telemonitoraggio: { it: 'Telemonitoraggio', en: 'Telemonitoring' },
  telecontrollo: { it: 'Telecontrollo', en: 'Telecontrol' },
  teleassistenza: { it: 'Teleassistenza', en: 'Telecare' },
  teleriabilitazione: { it: 'Teleriabilitazione', en: 'Telerehabilitation' },
  telerefertazione: { it: 'Telerefertazione', en: 'Telereporting' },
  cardiology: { it: 'Cardiologia', en: 'Cardiology' },
  pulmonology: { it: 'Pneumologia', en: 'Pulmonology' },
  oncology: { it: 'Oncologia', en: 'Oncology' },
  rehabilitation: { it: 'Riabilitazione', en: 'Rehabilitation' },
  neurology: { it: 'Neurologia', en: 'Neurology' },
  diabetology: { it: 'Diabetologia', en: 'Diabetology' },
  nephrology: { it: 'Nefrologia', en: 'Nephrology' },
  geriatrics: { it: 'Geriatria', en: 'Geriatrics' },
  'mental-health': { it: 'Salute mentale', en: 'Mental health' },
  other: { it: 'Altro', en: 'Other' },
  hospital: { it: 'Ospedale', en: 'Hospital' },
  outpatient: { it: 'Ambulatorio', en: 'Outpatient' },
  home: { it: 'Domicilio', en: 'Home' },
  'community-house': { it: 'Casa di Comunità', en: 'Community house' },
  'community-hospital': { it: 'Ospedale di Comunità', en: 'Community hospital' },
  'nursing-home': { it: 'RSA', en: 'Nursing home' },
  platform: { it: 'Piattaforma', en: 'Platform' },
  'wearable-iot': { it: 'Dispositivi indossabili e IoT', en: 'Wearables and IoT' },
  ai: { it: 'Intelligenza artificiale', en: 'Artificial intelligence' },
  'digital-therapeutics': { it: 'Terapie digitali', en: 'Digital therapeutics' },
  'digital-twin': { it: 'Digital twin', en: 'Digital twin' },
  'mobile-app': { it: 'App mobile', en: 'Mobile app' },
  robotics: { it: 'Robotica', en: 'Robotics' },
  ideation: { it: 'Ideazione', en: 'Ideation' },
  pilot: { it: 'Pilota', en: 'Pilot' },
  active: { it: 'Attivo', en: 'Active' },
  scaled: { it: 'Su larga scala', en: 'Scaled' },
  concluded: { it: 'Concluso', en: 'Concluded' },
  pnrr: { it: 'PNRR', en: 'PNRR (national recovery plan)' },
  regional: { it: 'Regionale', en: 'Regional' },
  eu: { it: 'Europeo', en: 'European Union' },
  private: { it: 'Privato', en: 'Private' },
  none: { it: 'Nessuno', en: 'None' },
  reimbursed: { it: 'Rimborsato dal SSN', en: 'Reimbursed by the NHS' },
  'not-reimbursed': { it: 'Non rimborsato', en: 'Not reimbursed' },
  unclear: { it: 'Da chiarire', en: 'Unclear' },
  fse: { it: 'FSE (Fascicolo Sanitario Elettronico)', en: 'FSE (electronic health record)' },
  fhir: { it: 'HL7 FHIR', en: 'HL7 FHIR' },
  hl7v2: { it: 'HL7 v2', en: 'HL7 v2' },
  dicom: { it: 'DICOM', en: 'DICOM' },
  'ihe-xds': { it: 'IHE XDS', en: 'IHE XDS' },
  'chronic-patients': { it: 'Pazienti cronici', en: 'Chronic patients' },
  'frail-elderly': { it: 'Anziani fragili', en: 'Frail elderly people' },
  'post-acute': { it: 'Pazienti post-acuti', en: 'Post-acute patients' },
  paediatric: { it: 'Pazienti pediatrici', en: 'Paediatric patients' },
  disabled: { it: 'Persone con disabilità', en: 'People with disabilities' },
  'pregnancy-maternal': { it: 'Gravidanza e maternità', en: 'Pregnancy and maternity' },
  caregivers: { it: 'Caregiver', en: 'Caregivers' },
  'general-population': { it: 'Popolazione generale', en: 'General population' },
  'class-i': { it: 'Classe I', en: 'Class I' },
  'class-iia': { it: 'Classe IIa', en: 'Class IIa' },
  'class-iib': { it: 'Classe IIb', en: 'Class IIb' },
  'class-iii': { it: 'Classe III', en: 'Class III' },
  it: { it: 'Italiano', en: 'Italian' },
  en: { it: 'Inglese', en: 'English' },
};

/** Labels a field gives a value of its own: `none` of medicalDevice is not the `none` of funding. */
export const FIELD_VALUE_LABELS: Record<string, Record<string, Bilingual>> = {
  medicalDevice: {
    none: { it: 'Non è un dispositivo medico', en: 'Not a medical device' },
  },
};

export const STATUS_LABELS: Record<string, Bilingual> = {
  submitted: { it: 'Ricevuto', en: 'Submitted' },
  in_review: { it: 'In revisione', en: 'In review' },
  changes_requested: { it: 'Modifiche richieste', en: 'Changes requested' },
  approved: { it: 'Approvato', en: 'Approved' },
  rejected: { it: 'Respinto', en: 'Rejected' },
  expired: { it: 'Scaduto', en: 'Expired' },
  failed: { it: 'Errore di elaborazione', en: 'Processing failed' },
};

/** A label by key; keys can be a caller's field names (`toString`), so only own entries count. */
function label(labels: Record<string, Bilingual>, key: string, lang: Language): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key]?.[lang] : undefined;
}

/** The label of a field path such as `facility.name`, falling back to the path itself. */
export function fieldLabel(path: string, lang: Language): string {
  return label(FIELD_LABELS, path, lang) ?? path;
}

/** The label of an enumeration value; with `field`, the label that field gives it, if it has its own. */
export function valueLabel(value: string, lang: Language, field?: string): string {
  const own = field !== undefined && Object.hasOwn(FIELD_VALUE_LABELS, field) ? FIELD_VALUE_LABELS[field] : undefined;
  return (own ? label(own, value, lang) : undefined) ?? label(VALUE_LABELS, value, lang) ?? value;
}

export function statusLabel(status: string, lang: Language): string {
  return label(STATUS_LABELS, status, lang) ?? status;
}

/** One formatter per language, built on first use: building one costs far more than using it, and pages format many dates. */
const dateTimeFormats = new Map<Language, Intl.DateTimeFormat>();

/** Formats a date-time for people in the Hub's time zone. */
export function formatDateTime(iso: string, lang: Language): string {
  let format = dateTimeFormats.get(lang);
  if (!format) {
    // With its zone (CET or CEST): a deadline read abroad, or across the change of hour, is still exact.
    format = new Intl.DateTimeFormat(lang === 'it' ? 'it-IT' : 'en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
      timeZone: 'Europe/Rome',
    });
    dateTimeFormats.set(lang, format);
  }
  return format.format(new Date(iso));
}
