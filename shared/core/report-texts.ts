import * as z from 'zod';

/** Control characters other than newlines and tabs: refused, as in a case's texts (they would reach the page and the terminal). */
const CONTROL_CHARS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

/** Text in both languages of the Hub, trimmed, never empty, with no control characters. */
const bilingual = (max: number) => {
  const one = z.string().trim().min(1).max(max).regex(CONTROL_CHARS, 'has control characters (only newlines and tabs are allowed)');
  return z.strictObject({ it: one, en: one });
};

/**
 * What one version may take, its texts' JSON in UTF-8: a version is one item of the table, and
 * DynamoDB refuses an item over 400 KB (dynalite does not), so the limit is checked before either.
 */
export const REPORT_TEXTS_MAX_BYTES = 350_000;

/** One finding or recommendation an editor of the Hub writes: a title and a paragraph, in it and en. */
export const ReportText = z.strictObject({
  title: bilingual(200),
  text: bilingual(3000),
});
export type ReportText = z.infer<typeof ReportText>;

/** What an editor saves with `npm run report-text -- set --file texts.json`. */
export const ReportTexts = z
  .strictObject({
    findings: z.array(ReportText).min(1).max(20),
    recommendations: z.array(ReportText).min(1).max(20),
  })
  .superRefine((texts, ctx) => {
    const bytes = Buffer.byteLength(JSON.stringify(texts), 'utf8');
    if (bytes > REPORT_TEXTS_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', message: `the texts take ${Math.ceil(bytes / 1000)} KB in UTF-8; one version holds at most ${REPORT_TEXTS_MAX_BYTES / 1000} KB` });
    }
  });

/** Who saves a version, as `--by` names them: one line, no control characters. */
export const SavedBy = z
  .string()
  .trim()
  .min(1, 'say who saves the texts')
  .max(100)
  .regex(/^[^\u0000-\u001F\u007F\u2028\u2029]*$/, 'one line, with no control characters');
export type ReportTexts = z.infer<typeof ReportTexts>;

/** A saved version of the texts: who saved it and when. Version 0 is the release's default texts, never stored. */
export interface ReportTextsVersion {
  version: number;
  savedAt: string;
  savedBy: string;
  texts: ReportTexts;
}

/** The date the default texts carry: the day they were written for the release. */
export const DEFAULT_TEXTS_DATE = '2026-12-02T00:00:00.000Z';

/**
 * The findings and recommendations of the Hub's first report, in its own voice: what the report
 * shows until an editor saves texts of their own.
 */
export const DEFAULT_REPORT_TEXTS: ReportTexts = {
  findings: [
    {
      title: { it: 'Le piattaforme devono parlarsi', en: 'Platforms must talk to each other' },
      text: {
        it: 'I servizi di Tele-X nascono spesso su piattaforme diverse, struttura per struttura. Perché il paziente e i professionisti abbiano un’unica storia clinica, le piattaforme devono essere interconnesse tra loro e con il Fascicolo Sanitario Elettronico, su standard aperti.',
        en: 'Tele-X services are often born on different platforms, one structure at a time. For patients and professionals to share one clinical history, the platforms must be connected with each other and with the Electronic Health Record, on open standards.',
      },
    },
    {
      title: { it: 'Ripensare l’intero percorso del paziente', en: 'Rethink the whole patient journey' },
      text: {
        it: 'La telemedicina da sola non basta: i progetti che funzionano ridisegnano tutto il percorso di cura, dalla presa in carico al domicilio, integrando ospedale, territorio e professionisti attorno al paziente.',
        en: 'Telemedicine alone is not enough: the projects that work redesign the whole care pathway, from taking charge of the patient to care at home, bringing hospital, community services and professionals together around the patient.',
      },
    },
    {
      title: { it: 'I gemelli digitali per progettare le nuove strutture', en: 'Digital twins to design the new structures' },
      text: {
        it: 'I gemelli digitali permettono di simulare flussi di pazienti, spazi e organizzazione prima di costruire: sono uno strumento concreto per dare forma alle Case e agli Ospedali di Comunità previsti dal PNRR.',
        en: 'Digital twins let us simulate patient flows, spaces and organisation before building: they are a practical tool to shape the Community Houses and Community Hospitals the PNRR provides for.',
      },
    },
    {
      title: { it: 'Progetti maturi, pronti a fare scuola', en: 'Mature projects, ready to set the standard' },
      text: {
        it: 'Molti dei progetti raccolti sono attivi da anni e su larga scala: sono abbastanza maturi da diventare riferimenti nazionali e da essere replicati in altre regioni.',
        en: 'Many of the projects collected have been running for years and at scale: they are mature enough to become national benchmarks and to be replicated in other regions.',
      },
    },
    {
      title: { it: 'Regole di rimborso ancora incerte', en: 'Reimbursement rules still unclear' },
      text: {
        it: 'Per una parte rilevante dei progetti la rimborsabilità delle prestazioni a distanza non è chiara: senza tariffe e regole certe è difficile passare dalla sperimentazione al servizio stabile.',
        en: 'For a large share of the projects it is not clear whether remote services are reimbursed: without clear tariffs and rules it is hard to move from trial to a lasting service.',
      },
    },
    {
      title: { it: 'Cardiologia, pneumologia, oncologia e riabilitazione in testa', en: 'Cardiology, pulmonology, oncology and rehabilitation lead' },
      text: {
        it: 'I progetti della regione si concentrano sulle aree della cronicità: cardiologia, pneumologia, oncologia e riabilitazione, dove il monitoraggio a domicilio cambia di più la vita dei pazienti.',
        en: 'The region’s projects focus on chronic care: cardiology, pulmonology, oncology and rehabilitation, where monitoring at home changes patients’ lives the most.',
      },
    },
  ],
  recommendations: [
    {
      title: { it: 'Standard comuni di interoperabilità', en: 'Common interoperability standards' },
      text: {
        it: 'Adottare in tutta la regione standard aperti (HL7 FHIR) e l’integrazione con il Fascicolo Sanitario Elettronico come condizione di ogni nuovo progetto di Tele-X.',
        en: 'Adopt open standards (HL7 FHIR) and integration with the Electronic Health Record across the region as a condition of every new Tele-X project.',
      },
    },
    {
      title: { it: 'Regole chiare di rimborso', en: 'Clear reimbursement rules' },
      text: {
        it: 'Definire tariffe e regole di rimborso per televisita, telemonitoraggio e teleriabilitazione, così che i progetti efficaci diventino servizi del sistema sanitario.',
        en: 'Set tariffs and reimbursement rules for remote visits, remote monitoring and remote rehabilitation, so that effective projects become services of the health system.',
      },
    },
    {
      title: { it: 'Progettare per percorsi, non per servizi', en: 'Design for pathways, not services' },
      text: {
        it: 'Finanziare e valutare i progetti sull’intero percorso del paziente, con ospedale, medicina territoriale e domicilio nella stessa regia.',
        en: 'Fund and assess projects on the whole patient journey, with hospital, community care and home under one direction.',
      },
    },
    {
      title: { it: 'Portare a scala ciò che funziona', en: 'Scale up what works' },
      text: {
        it: 'Riconoscere i progetti maturi come modelli di riferimento e accompagnarne l’estensione ad altre strutture e regioni, con le risorse del PNRR.',
        en: 'Recognise mature projects as reference models and support their extension to other structures and regions, with PNRR resources.',
      },
    },
    {
      title: { it: 'I gemelli digitali nella pianificazione', en: 'Digital twins in planning' },
      text: {
        it: 'Usare i gemelli digitali nella progettazione delle Case e degli Ospedali di Comunità e nella riorganizzazione dei reparti.',
        en: 'Use digital twins in designing Community Houses and Community Hospitals and in reorganising wards.',
      },
    },
    {
      title: { it: 'Misurare e condividere i risultati', en: 'Measure and share results' },
      text: {
        it: 'Raccogliere in modo continuo e confrontabile gli esiti dei progetti, come fa lo Hub, e renderli pubblici perché pazienti, professionisti e decisori ne traggano beneficio.',
        en: 'Collect project outcomes continuously and comparably, as the Hub does, and publish them so that patients, professionals and decision makers benefit.',
      },
    },
  ],
};

/** The default texts as the version every report shows before an editor saves one. */
export const DEFAULT_TEXTS_VERSION: ReportTextsVersion = {
  version: 0,
  savedAt: DEFAULT_TEXTS_DATE,
  savedBy: 'hub-intake',
  texts: DEFAULT_REPORT_TEXTS,
};
