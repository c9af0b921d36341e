import type { CaseInput } from '../../shared/core/case';

/**
 * The cases `npm run demo` submits: success cases of the Hub's member organisations that give
 * exactly the figures of the Hub's first report once the intended ones are approved. The people,
 * e-mail addresses (on the reserved `.example` domain) and ministerial facility codes are
 * illustrative; the hospitals are the members' own.
 *
 * The eight hospital structures are named on purpose in different ways, to exercise the counting
 * rule: four always with their ministerial code (and sometimes different names), four by name
 * only, written with different case, accents and spacing.
 */

/** The table of the Hub's first report: what the demo must reproduce. */
export const PUBLISHED_FIGURES = {
  hospitalStructures: 8,
  telexProjects: 23,
  patientsImpacted: 59_200,
  hospitalApps: 3,
} as const;

export interface DemoCase {
  /** Stable and unique: the submission's Idempotency-Key is made from it, so a second run submits nothing twice. */
  key: string;
  /** What the reviewer decides. */
  decision: 'approve' | 'reject';
  /** The reviewer's comment (a rejection needs one). */
  comment?: string;
  input: CaseInput;
}

type Facility = CaseInput['facility'];

/** Facilities identified by their ministerial code: the name may vary, the code decides. */
const HUMANITAS_ROZZANO = (name = 'Humanitas Research Hospital'): Facility => ({ name, code: '030906' });
const IEO = (name = 'Istituto Europeo di Oncologia'): Facility => ({ name, code: '030938' });
const MAUGERI_PAVIA = (name = 'ICS Maugeri – IRCCS di Pavia'): Facility => ({ name, code: '030924' });
const POLICLINICO_SAN_DONATO = (name = 'IRCCS Policlinico San Donato'): Facility => ({ name, code: '030071' });

/** Facilities by name only: each spelling below is the same structure for the metrics. */
const GAVAZZENI = ['Humanitas Gavazzeni Bergamo', 'HUMANITAS GAVAZZENI BERGAMO', 'Humanitas  Gavazzeni Bergamo'] as const;
const MONTESCANO = [
  'ICS Maugeri – Istituto Scientifico di Montescano',
  'ics maugeri – istituto scientifico di montescano',
  'ICS Maugeri –  Istituto Scientifico  di Montescano',
  'ICS MAUGERI – ISTITUTO SCIENTIFICO DI MONTESCANO',
] as const;
const SANTA_MARIA_NASCENTE = [
  'IRCCS Santa Maria Nascente – Fondazione Don Gnocchi',
  'irccs santa maria nascente – fondazione don gnocchi',
  'IRCCS Santa Maria  Nascente – Fondazione Don Gnocchi',
] as const;
const CITTA_STUDI = ['Istituto Clinico Città Studi', 'ISTITUTO CLINICO CITTÀ STUDI', 'Istituto Clinico Citta Studi'] as const;

const byName = (name: string): Facility => ({ name });

const CONTACTS: Record<string, CaseInput['contact']> = {
  assolombarda: { name: 'Francesca Colombo', email: 'francesca.colombo@assolombarda.example.org', role: 'Area Sanità e Life Sciences' },
  healthware: { name: 'Davide Marchetti', email: 'davide.marchetti@healthware.example.org', role: 'Digital health strategist' },
  abmedica: { name: 'Paolo Galli', email: 'paolo.galli@abmedica.example.org', role: 'Product manager telemedicina' },
  'boston-scientific': { name: 'Sara Conti', email: 'sara.conti@bostonscientific.example.org', role: 'Clinical specialist' },
  'dassault-systemes': { name: 'Luca Moretti', email: 'luca.moretti@3ds.example.org', role: 'Healthcare solutions architect' },
  'davinci-dtx': { name: 'Chiara Fontana', email: 'chiara.fontana@davincidtx.example.org', role: 'Medical affairs' },
  'don-gnocchi': { name: 'Elena Riva', email: 'elena.riva@dongnocchi.example.org', role: 'Responsabile teleriabilitazione' },
  'gruppo-san-donato': { name: 'Marco Ferrari', email: 'marco.ferrari@grupposandonato.example.org', role: 'Direzione sanitaria' },
  humanitas: { name: 'Giulia Bianchi', email: 'giulia.bianchi@humanitas.example.org', role: 'Responsabile telemedicina' },
  ibm: { name: 'Andrea Rinaldi', email: 'andrea.rinaldi@ibm.example.org', role: 'Healthcare AI lead' },
  maugeri: { name: 'Roberto Sala', email: 'roberto.sala@icsmaugeri.example.org', role: 'Direttore UO Riabilitazione' },
  ieo: { name: 'Silvia Lombardi', email: 'silvia.lombardi@ieo.example.org', role: 'Digital health manager' },
  kos: { name: 'Anna Villa', email: 'anna.villa@kosgroup.example.org', role: 'Direttrice sanitaria RSA' },
  medtronic: { name: 'Stefano Greco', email: 'stefano.greco@medtronic.example.org', role: 'Remote monitoring specialist' },
  'nippon-gases': { name: 'Valentina Barbieri', email: 'valentina.barbieri@nippongases.example.org', role: 'Home care manager' },
  ultraspecialisti: { name: 'Matteo Costa', email: 'matteo.costa@ultraspecialisti.example.org', role: 'Direttore medico' },
  vivisol: { name: 'Federica Testa', email: 'federica.testa@vivisol.example.org', role: 'Responsabile servizi domiciliari' },
};

type Fields = Omit<CaseInput, 'contact' | 'consent' | 'language'> & { language?: CaseInput['language'] };

const make = (key: string, fields: Fields, decision: DemoCase['decision'] = 'approve', comment?: string): DemoCase => {
  const contact = CONTACTS[fields.partner];
  if (!contact) throw new Error(`demo case ${key}: no contact for partner ${fields.partner}`);
  return { key, decision, ...(comment ? { comment } : {}), input: { ...fields, contact, language: fields.language ?? 'it', consent: true } };
};

type TelexFields = Omit<Fields, 'kind'> & Required<Pick<Fields, 'telexServices' | 'patientsImpacted'>>;
const telex = (key: string, fields: TelexFields, decision?: DemoCase['decision'], comment?: string) => make(key, { kind: 'telex', ...fields }, decision, comment);
const app = (key: string, fields: Omit<Fields, 'kind' | 'telexServices'>, decision?: DemoCase['decision'], comment?: string) =>
  make(key, { kind: 'hospital-app', ...fields }, decision, comment);

/** The 23 Tele-X projects, 59,200 patients in all. */
const TELEX: DemoCase[] = [
  telex('humanitas-scompenso', {
    partner: 'humanitas', facility: HUMANITAS_ROZZANO(),
    title: 'Televisita e telemonitoraggio dello scompenso cardiaco',
    summary: 'Percorso domiciliare per pazienti con scompenso cardiaco cronico dimessi dal reparto: televisite cardiologiche programmate, bilancia e sfigmomanometro connessi, alert all\'infermiere di riferimento in caso di peggioramento.',
    telexServices: ['televisita', 'telemonitoraggio'], clinicalAreas: ['cardiology'], careSettings: ['home', 'outpatient'],
    technologies: ['platform', 'wearable-iot'], stage: 'scaled', patientsImpacted: 4_800, funding: ['regional'], reimbursement: 'reimbursed',
    interoperability: ['fse', 'fhir'], startDate: '2021-02-01',
    targetPopulation: ['chronic-patients', 'post-acute'], medicalDevice: 'class-iia',
  }),
  telex('humanitas-teleconsulto-mmg', {
    partner: 'humanitas', facility: HUMANITAS_ROZZANO('IRCCS Istituto Clinico Humanitas'),
    title: 'Teleconsulto cardiologico con i medici di medicina generale',
    summary: 'I medici di medicina generale del distretto inviano ECG e quesito clinico e ricevono entro 48 ore il parere del cardiologo ospedaliero, riducendo gli invii impropri al pronto soccorso.',
    telexServices: ['teleconsulto'], clinicalAreas: ['cardiology'], careSettings: ['outpatient', 'community-house'],
    technologies: ['platform'], stage: 'scaled', patientsImpacted: 6_500, funding: ['regional'], reimbursement: 'reimbursed',
    interoperability: ['fse', 'hl7v2'], startDate: '2020-10-15',
    targetPopulation: ['general-population', 'chronic-patients'], medicalDevice: 'none',
  }),
  telex('gavazzeni-riabilitazione-cardiologica', {
    partner: 'humanitas', facility: byName(GAVAZZENI[0]),
    title: 'Teleriabilitazione cardiologica dopo intervento cardiochirurgico',
    summary: 'Programma di riabilitazione cardiologica a domicilio dopo bypass o sostituzione valvolare, con sedute di esercizio guidate in videochiamata e monitoraggio della frequenza cardiaca con fascia toracica.',
    telexServices: ['teleriabilitazione', 'telemonitoraggio'], clinicalAreas: ['cardiology', 'rehabilitation'], careSettings: ['home'],
    technologies: ['platform', 'wearable-iot'], stage: 'active', patientsImpacted: 900, funding: ['private'], reimbursement: 'not-reimbursed',
    startDate: '2022-05-02',
    targetPopulation: ['post-acute'], medicalDevice: 'class-iia',
  }),
  telex('gavazzeni-bpco', {
    partner: 'humanitas', facility: byName(GAVAZZENI[1]),
    title: 'Telemonitoraggio dei pazienti con BPCO riacutizzata',
    summary: 'Saturimetro e questionario quotidiano dei sintomi per i pazienti con BPCO dopo un ricovero per riacutizzazione; il pneumologo interviene con una televisita quando i valori superano le soglie.',
    telexServices: ['telemonitoraggio', 'televisita'], clinicalAreas: ['pulmonology'], careSettings: ['home'],
    technologies: ['wearable-iot', 'mobile-app'], stage: 'active', patientsImpacted: 1_100, funding: ['regional'], reimbursement: 'unclear',
    interoperability: ['fhir'], startDate: '2022-11-07',
    targetPopulation: ['chronic-patients', 'post-acute'], medicalDevice: 'class-iia',
  }),
  telex('ieo-follow-up', {
    partner: 'ieo', facility: IEO(),
    title: 'Televisita di follow-up oncologico',
    summary: 'Le visite di controllo dei pazienti in follow-up dopo tumore della mammella e del colon-retto si svolgono in televisita, con referti e immagini condivisi nel Fascicolo Sanitario Elettronico.',
    telexServices: ['televisita'], clinicalAreas: ['oncology'], careSettings: ['outpatient', 'home'],
    technologies: ['platform'], stage: 'scaled', patientsImpacted: 7_400, funding: ['regional'], reimbursement: 'reimbursed',
    interoperability: ['fse', 'dicom'], startDate: '2020-04-20',
    targetPopulation: ['chronic-patients'], medicalDevice: 'none',
  }),
  telex('ieo-chemioterapia-orale', {
    partner: 'ieo', facility: IEO('IEO – Istituto Europeo di Oncologia'),
    title: 'Telemonitoraggio della chemioterapia orale',
    summary: 'App per i pazienti in terapia antitumorale orale: diario della tossicità, promemoria di assunzione e segnalazione degli effetti collaterali all\'infermiere di ricerca, che richiama il paziente in giornata.',
    telexServices: ['telemonitoraggio'], clinicalAreas: ['oncology'], careSettings: ['home'],
    technologies: ['mobile-app', 'platform'], stage: 'active', patientsImpacted: 2_300, funding: ['eu'], reimbursement: 'not-reimbursed',
    interoperability: ['fhir'], startDate: '2021-09-13',
    targetPopulation: ['chronic-patients'], medicalDevice: 'class-i',
  }),
  telex('ieo-tumor-board', {
    partner: 'ieo', facility: IEO(),
    title: 'Teleconsulto multidisciplinare oncologico con gli ospedali spoke',
    summary: 'Tumor board virtuale settimanale in cui gli oncologi degli ospedali della rete discutono i casi complessi con gli specialisti dell\'istituto, con immagini radiologiche e anatomia patologica condivise.',
    telexServices: ['teleconsulto', 'teleconsulenza'], clinicalAreas: ['oncology'], careSettings: ['hospital'],
    technologies: ['platform'], stage: 'active', patientsImpacted: 1_600, funding: ['regional'], reimbursement: 'unclear',
    interoperability: ['dicom', 'ihe-xds'], startDate: '2021-01-18',
    targetPopulation: ['chronic-patients'], medicalDevice: 'none',
  }),
  telex('maugeri-scompenso', {
    partner: 'maugeri', facility: MAUGERI_PAVIA(),
    title: 'Telemonitoraggio infermieristico dello scompenso cardiaco cronico',
    summary: 'Dopo la riabilitazione degenziale, l\'infermiere case manager segue a distanza peso, pressione e sintomi dei pazienti con scompenso, con televisite del cardiologo e adattamento della terapia diuretica.',
    telexServices: ['telemonitoraggio', 'teleassistenza'], clinicalAreas: ['cardiology'], careSettings: ['home'],
    technologies: ['platform', 'wearable-iot'], stage: 'scaled', patientsImpacted: 3_900, funding: ['regional'], reimbursement: 'reimbursed',
    interoperability: ['fse'], startDate: '2019-06-03',
    targetPopulation: ['chronic-patients', 'post-acute'], medicalDevice: 'class-iia',
  }),
  telex('montescano-riabilitazione-respiratoria', {
    partner: 'maugeri', facility: byName(MONTESCANO[0]),
    title: 'Teleriabilitazione respiratoria domiciliare',
    summary: 'Programma di riabilitazione respiratoria a casa per pazienti con BPCO e fibrosi polmonare: esercizi con cicloergometro, supervisione del fisioterapista in videochiamata e saturimetria continua durante lo sforzo.',
    telexServices: ['teleriabilitazione'], clinicalAreas: ['pulmonology', 'rehabilitation'], careSettings: ['home'],
    technologies: ['platform', 'wearable-iot'], stage: 'active', patientsImpacted: 1_250, funding: ['pnrr'], reimbursement: 'unclear',
    startDate: '2022-03-21',
    targetPopulation: ['chronic-patients', 'post-acute'], medicalDevice: 'class-iia',
  }),
  telex('montescano-ventilazione', {
    partner: 'maugeri', facility: byName(MONTESCANO[1]),
    title: 'Telemonitoraggio dei pazienti in ventilazione meccanica domiciliare',
    summary: 'I ventilatori domiciliari trasmettono ogni notte i dati di utilizzo e di scambio gassoso; il pneumologo rivede le impostazioni a distanza ed evita accessi in ospedale per i pazienti con insufficienza respiratoria cronica.',
    telexServices: ['telemonitoraggio', 'telecontrollo'], clinicalAreas: ['pulmonology'], careSettings: ['home'],
    technologies: ['wearable-iot', 'platform'], stage: 'active', patientsImpacted: 650, funding: ['regional'], reimbursement: 'reimbursed',
    startDate: '2021-07-12',
    targetPopulation: ['chronic-patients', 'disabled'], medicalDevice: 'class-iib',
  }),
  telex('vivisol-ossigenoterapia', {
    partner: 'vivisol', facility: byName(MONTESCANO[2]),
    title: 'Telemonitoraggio dell\'ossigenoterapia domiciliare',
    summary: 'Concentratori di ossigeno connessi e saturimetri per i pazienti in ossigenoterapia a lungo termine seguiti dal centro: aderenza alla terapia, allarmi tecnici e clinici gestiti da una centrale operativa h24.',
    telexServices: ['telemonitoraggio', 'teleassistenza'], clinicalAreas: ['pulmonology'], careSettings: ['home'],
    technologies: ['wearable-iot', 'platform'], stage: 'scaled', patientsImpacted: 2_100, funding: ['private'], reimbursement: 'reimbursed',
    startDate: '2020-09-01',
    targetPopulation: ['chronic-patients', 'frail-elderly'], medicalDevice: 'class-iia',
  }),
  telex('don-gnocchi-ictus', {
    partner: 'don-gnocchi', facility: byName(SANTA_MARIA_NASCENTE[0]),
    title: 'Teleriabilitazione neuromotoria dopo ictus',
    summary: 'Dopo la dimissione dal reparto di riabilitazione, i pazienti con esiti di ictus proseguono a casa gli esercizi dell\'arto superiore su un kit con sensori di movimento, con il fisioterapista che regola il programma a distanza.',
    telexServices: ['teleriabilitazione'], clinicalAreas: ['rehabilitation', 'neurology'], careSettings: ['home'],
    technologies: ['platform', 'wearable-iot'], stage: 'scaled', patientsImpacted: 1_800, funding: ['eu', 'regional'], reimbursement: 'unclear',
    startDate: '2019-11-04',
    targetPopulation: ['post-acute', 'disabled'], medicalDevice: 'class-i',
  }),
  telex('don-gnocchi-parkinson', {
    partner: 'don-gnocchi', facility: byName(SANTA_MARIA_NASCENTE[1]),
    title: 'Teleriabilitazione per persone con malattia di Parkinson e sclerosi multipla',
    summary: 'Cicli di riabilitazione motoria e cognitiva a distanza per persone con malattie neurodegenerative, con sedute di gruppo in videochiamata e valutazioni periodiche in presenza.',
    telexServices: ['teleriabilitazione', 'televisita'], clinicalAreas: ['rehabilitation', 'neurology'], careSettings: ['home', 'outpatient'],
    technologies: ['platform'], stage: 'active', patientsImpacted: 950, funding: ['private'], reimbursement: 'not-reimbursed',
    startDate: '2021-03-08',
    targetPopulation: ['chronic-patients', 'disabled'], medicalDevice: 'none',
  }),
  telex('don-gnocchi-fragili', {
    partner: 'don-gnocchi', facility: byName(SANTA_MARIA_NASCENTE[2]),
    title: 'Teleassistenza per anziani fragili dopo la dimissione',
    summary: 'Nelle settimane dopo un ricovero, gli anziani fragili ricevono chiamate programmate dell\'infermiere, monitoraggio dei parametri e teleconsulenza del geriatra, per ridurre le riammissioni a trenta giorni.',
    telexServices: ['teleassistenza', 'telemonitoraggio'], clinicalAreas: ['geriatrics', 'rehabilitation'], careSettings: ['home', 'community-hospital'],
    technologies: ['platform', 'wearable-iot'], stage: 'pilot', patientsImpacted: 1_400, funding: ['pnrr'], reimbursement: 'unclear',
    interoperability: ['fse'], startDate: '2023-02-13',
    targetPopulation: ['frail-elderly', 'post-acute', 'caregivers'], medicalDevice: 'class-iia',
  }),
  telex('gsd-dispositivi-impiantabili', {
    partner: 'gruppo-san-donato', facility: POLICLINICO_SAN_DONATO(),
    title: 'Telecontrollo dei dispositivi cardiaci impiantabili',
    summary: 'Pacemaker e defibrillatori impiantabili trasmettono automaticamente gli eventi aritmici e lo stato della batteria; l\'ambulatorio di elettrofisiologia sostituisce gran parte dei controlli in presenza con il controllo remoto.',
    telexServices: ['telecontrollo', 'telemonitoraggio'], clinicalAreas: ['cardiology'], careSettings: ['home', 'outpatient'],
    technologies: ['wearable-iot', 'platform'], stage: 'scaled', patientsImpacted: 5_200, funding: ['regional'], reimbursement: 'reimbursed',
    interoperability: ['hl7v2'], startDate: '2018-09-17',
    targetPopulation: ['chronic-patients'], medicalDevice: 'class-iii',
  }),
  telex('medtronic-loop-recorder', {
    partner: 'medtronic', facility: POLICLINICO_SAN_DONATO('Policlinico San Donato'), language: 'en',
    title: 'Monitoraggio remoto dei loop recorder impiantabili',
    summary: 'Monitoraggio remoto continuo dei pazienti con loop recorder impiantabile dopo ictus criptogenetico o sincope, con triage degli allarmi di fibrillazione atriale da parte di un servizio dedicato.',
    telexServices: ['telemonitoraggio'], clinicalAreas: ['cardiology'], careSettings: ['home'],
    technologies: ['wearable-iot', 'ai'], stage: 'active', patientsImpacted: 2_700, funding: ['private'], reimbursement: 'reimbursed',
    interoperability: ['hl7v2'], startDate: '2020-01-20',
    targetPopulation: ['post-acute', 'chronic-patients'], medicalDevice: 'class-iib',
  }),
  telex('boston-scientific-heartlogic', {
    partner: 'boston-scientific', facility: POLICLINICO_SAN_DONATO(), language: 'en',
    title: 'Allerta precoce dello scompenso dai sensori del defibrillatore',
    summary: 'Un indice che combina i sensori del defibrillatore impiantabile segnala settimane prima il rischio di scompenso; l\'infermiere contatta il paziente e il cardiologo modifica la terapia senza ricovero.',
    telexServices: ['telemonitoraggio', 'telecontrollo'], clinicalAreas: ['cardiology'], careSettings: ['home'],
    technologies: ['wearable-iot', 'ai'], stage: 'pilot', patientsImpacted: 800, funding: ['private'], reimbursement: 'unclear',
    startDate: '2022-06-06',
    targetPopulation: ['chronic-patients'], medicalDevice: 'class-iii',
  }),
  telex('citta-studi-diabete', {
    partner: 'gruppo-san-donato', facility: byName(CITTA_STUDI[0]),
    title: 'Televisita diabetologica con sensori di glucosio',
    summary: 'I pazienti con diabete di tipo 1 e 2 in terapia insulinica condividono i dati del sensore di glucosio prima della televisita; il diabetologo adegua la terapia e programma l\'educazione terapeutica a distanza.',
    telexServices: ['televisita', 'telemonitoraggio'], clinicalAreas: ['diabetology'], careSettings: ['home', 'outpatient'],
    technologies: ['wearable-iot', 'mobile-app'], stage: 'scaled', patientsImpacted: 3_300, funding: ['regional'], reimbursement: 'reimbursed',
    interoperability: ['fse'], startDate: '2020-06-15',
    targetPopulation: ['chronic-patients'], medicalDevice: 'class-iib',
  }),
  telex('citta-studi-ecg-rsa', {
    partner: 'gruppo-san-donato', facility: byName(CITTA_STUDI[1]),
    title: 'Telerefertazione degli ECG per le RSA del territorio',
    summary: 'Le RSA e le Case di Comunità convenzionate eseguono l\'elettrocardiogramma in sede e lo ricevono refertato dal cardiologo entro un\'ora, evitando il trasferimento degli ospiti per un esame di routine.',
    telexServices: ['telerefertazione'], clinicalAreas: ['cardiology', 'geriatrics'], careSettings: ['nursing-home', 'community-house'],
    technologies: ['platform'], stage: 'scaled', patientsImpacted: 4_100, funding: ['regional'], reimbursement: 'reimbursed',
    interoperability: ['hl7v2', 'fse'], startDate: '2019-03-04',
    targetPopulation: ['frail-elderly'], medicalDevice: 'class-iia',
  }),
  telex('abmedica-oncologia-domicilio', {
    partner: 'abmedica', facility: byName(CITTA_STUDI[2]),
    title: 'Telemonitoraggio domiciliare del paziente oncologico fragile',
    summary: 'Kit domiciliare con parametri vitali e questionari sui sintomi per pazienti oncologici anziani tra un ciclo di terapia e l\'altro, con una centrale infermieristica che allerta l\'oncologo.',
    telexServices: ['telemonitoraggio', 'teleassistenza'], clinicalAreas: ['oncology'], careSettings: ['home'],
    technologies: ['wearable-iot', 'platform'], stage: 'pilot', patientsImpacted: 600, funding: ['pnrr'], reimbursement: 'unclear',
    startDate: '2023-04-03',
    targetPopulation: ['frail-elderly', 'chronic-patients', 'caregivers'], medicalDevice: 'class-iia',
  }),
  telex('ultraspecialisti-secondo-parere', {
    partner: 'ultraspecialisti', facility: HUMANITAS_ROZZANO(),
    title: 'Teleconsulenza specialistica di secondo parere',
    summary: 'I medici di medicina generale chiedono una teleconsulenza asincrona agli specialisti su casi dubbi di cardiologia e medicina interna, con risposta scritta entro tre giorni lavorativi.',
    telexServices: ['teleconsulenza'], clinicalAreas: ['cardiology', 'other'], careSettings: ['outpatient'],
    technologies: ['platform', 'mobile-app'], stage: 'active', patientsImpacted: 2_000, funding: ['private'], reimbursement: 'not-reimbursed',
    startDate: '2021-10-11',
    targetPopulation: ['general-population'], medicalDevice: 'none',
  }),
  telex('nippon-gases-cpap', {
    partner: 'nippon-gases', facility: byName(MONTESCANO[3]),
    title: 'Telemonitoraggio dei pazienti con apnee notturne in CPAP',
    summary: 'Le CPAP dei pazienti con sindrome delle apnee ostruttive del sonno inviano ogni giorno ore di utilizzo, perdite e indice di apnea; i pazienti poco aderenti vengono richiamati dal tecnico e dal medico del sonno.',
    telexServices: ['telemonitoraggio'], clinicalAreas: ['pulmonology'], careSettings: ['home'],
    technologies: ['wearable-iot', 'platform'], stage: 'scaled', patientsImpacted: 1_500, funding: ['private'], reimbursement: 'reimbursed',
    startDate: '2020-02-24',
    targetPopulation: ['chronic-patients'], medicalDevice: 'class-iia',
  }),
  telex('maugeri-fibrosi', {
    partner: 'maugeri', facility: MAUGERI_PAVIA('Istituti Clinici Scientifici Maugeri Pavia'),
    title: 'Teleconsulto pneumologico per la fibrosi polmonare idiopatica',
    summary: 'Gli pneumologi degli ospedali della rete discutono in teleconsulto con il centro di riferimento la diagnosi e la terapia antifibrotica dei pazienti con interstiziopatie, con TC del torace condivise.',
    telexServices: ['teleconsulto'], clinicalAreas: ['pulmonology'], careSettings: ['hospital', 'outpatient'],
    technologies: ['platform'], stage: 'active', patientsImpacted: 2_350, funding: ['regional'], reimbursement: 'unclear',
    interoperability: ['dicom'], startDate: '2021-05-17',
    targetPopulation: ['chronic-patients'], medicalDevice: 'none',
  }),
];

/** The 3 digital applications for hospitals, at structures the Tele-X projects already count. */
const APPS: DemoCase[] = [
  app('humanitas-percorso-chirurgico', {
    partner: 'humanitas', facility: HUMANITAS_ROZZANO(),
    title: 'App del percorso chirurgico: prericovero e check-in digitale',
    summary: 'Un\'app accompagna il paziente chirurgico dal prericovero alla dimissione: documenti e consensi digitali, istruzioni di preparazione, check-in in reparto senza code e aggiornamenti ai familiari.',
    clinicalAreas: ['other'], careSettings: ['hospital'], technologies: ['mobile-app', 'platform'], stage: 'scaled',
    funding: ['private'], interoperability: ['fhir'], startDate: '2021-09-01',
    targetPopulation: ['general-population', 'caregivers'], medicalDevice: 'none',
  }),
  app('dassault-gemello-digitale', {
    partner: 'dassault-systemes', facility: POLICLINICO_SAN_DONATO(), language: 'en',
    title: 'Gemello digitale del blocco operatorio cardiochirurgico',
    summary: 'Un gemello digitale delle sale operatorie simula la programmazione delle sedute di cardiochirurgia e propone l\'ordine degli interventi che riduce ritardi e straordinari, aggiornandosi con i tempi reali.',
    clinicalAreas: ['cardiology'], careSettings: ['hospital'], technologies: ['digital-twin', 'ai'], stage: 'pilot',
    funding: ['eu'], startDate: '2023-01-09',
    medicalDevice: 'none',
  }),
  app('ibm-lettere-dimissione', {
    partner: 'ibm', facility: MAUGERI_PAVIA(), language: 'en',
    title: 'Sintesi delle lettere di dimissione con l\'intelligenza artificiale',
    summary: 'Un assistente basato su modelli linguistici prepara la bozza della lettera di dimissione dai diari clinici della riabilitazione; il medico la rivede e firma, risparmiando in media venti minuti per paziente.',
    clinicalAreas: ['rehabilitation'], careSettings: ['hospital'], technologies: ['ai'], stage: 'pilot',
    funding: ['private'], interoperability: ['fhir', 'fse'], startDate: '2024-02-05',
    targetPopulation: ['post-acute'], medicalDevice: 'none',
  }),
];

/** Needs and proposals: approved, counted apart, never in the headline (whatever their facility). */
const SUBMISSIONS: DemoCase[] = [
  make('kos-bisogno-rsa', {
    partner: 'kos', kind: 'need', facility: byName('RSA Anni Azzurri San Faustino'),
    title: 'Bisogno: monitoraggio notturno degli ospiti delle RSA',
    summary: 'Le RSA hanno poco personale di notte: serve un sistema di monitoraggio non invasivo di parametri e movimenti degli ospiti che segnali cadute e peggioramenti all\'infermiere di turno.',
    clinicalAreas: ['geriatrics'], careSettings: ['nursing-home'], technologies: ['wearable-iot', 'ai'], stage: 'ideation',
    targetPopulation: ['frail-elderly'],
  }),
  make('assolombarda-bisogno-fse', {
    partner: 'assolombarda', kind: 'need', facility: byName('Casa di Comunità Milano Nord'),
    title: 'Bisogno: integrazione della televisita con il Fascicolo Sanitario Elettronico',
    summary: 'Le Case di Comunità usano piattaforme di televisita diverse e i referti non arrivano sempre al Fascicolo Sanitario Elettronico: serve un\'integrazione comune basata sugli standard nazionali.',
    clinicalAreas: ['other'], careSettings: ['community-house'], interoperability: ['fse', 'fhir'],
  }),
  make('healthware-proposta-bpco', {
    partner: 'healthware', kind: 'proposal', facility: byName('ASST Fatebenefratelli Sacco'),
    title: 'Proposta PNRR: piattaforma territoriale di telemonitoraggio per la BPCO',
    summary: 'Proposta di progetto per estendere il telemonitoraggio dei pazienti con BPCO a tutte le Case di Comunità dell\'ASST, con un percorso condiviso tra pneumologi ospedalieri e medici di medicina generale.',
    clinicalAreas: ['pulmonology'], careSettings: ['community-house', 'home'], technologies: ['platform', 'wearable-iot'], stage: 'ideation',
    funding: ['pnrr'],
  }),
  make('davinci-proposta-insonnia', {
    partner: 'davinci-dtx', kind: 'proposal', facility: IEO(), language: 'en',
    title: 'Proposta: terapia digitale per l\'insonnia nei pazienti oncologici',
    summary: 'Studio clinico di una terapia digitale di terapia cognitivo-comportamentale per l\'insonnia, prescritta dall\'oncologo ai pazienti in trattamento attivo e seguita con un\'app.',
    clinicalAreas: ['oncology', 'mental-health'], careSettings: ['home'], technologies: ['digital-therapeutics', 'mobile-app'], stage: 'ideation',
    funding: ['eu'],
    targetPopulation: ['chronic-patients'], medicalDevice: 'class-iia',
  }),
];

/** Cases the reviewers reject: their facilities and patients must not count. */
const REJECTED: DemoCase[] = [
  telex(
    'abmedica-respinto-dermatologia',
    {
      partner: 'abmedica', facility: byName('Poliambulatorio Lombardo Salute Monza'),
      title: 'Teleconsulto dermatologico tramite messaggistica',
      summary: 'Invio di fotografie delle lesioni cutanee al dermatologo tramite un servizio di messaggistica di uso comune, con risposta entro la settimana.',
      telexServices: ['teleconsulto'], clinicalAreas: ['other'], careSettings: ['outpatient'], technologies: ['mobile-app'], stage: 'pilot',
      patientsImpacted: 4_000, funding: ['private'], reimbursement: 'not-reimbursed',
    },
    'reject',
    'Il canale di messaggistica non garantisce la protezione dei dati sanitari: ripresentare il caso su una piattaforma conforme.',
  ),
  app(
    'ibm-respinto-prenotazioni',
    {
      partner: 'ibm', facility: byName('Clinica Lago di Como'),
      title: 'Chatbot per le prenotazioni ambulatoriali',
      summary: 'Un assistente conversazionale risponde alle domande sulle prenotazioni e sugli orari degli ambulatori, ancora in fase di definizione con la struttura.',
      clinicalAreas: ['other'], careSettings: ['outpatient'], technologies: ['ai'], stage: 'ideation', funding: ['private'],
    },
    'reject',
    'Il progetto non è ancora avviato presso la struttura: potrà essere ripresentato come proposta progettuale.',
  ),
];

/** Every case of the demo, in the order it submits them. */
export const DEMO_CASES: readonly DemoCase[] = [...TELEX, ...APPS, ...SUBMISSIONS, ...REJECTED];
