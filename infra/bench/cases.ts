import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HUB_PARTNERS } from '../config/partners';
import {
  CARE_SETTINGS,
  CLINICAL_AREAS,
  FUNDING,
  INTEROPERABILITY,
  REIMBURSEMENT,
  STAGES,
  TECHNOLOGIES,
  TELEX_SERVICES,
  type CaseInput,
} from '../../shared/core/case';
import { caseIdFor, hashSecret, newSecret } from '../../shared/core/ids';
import { validateCase } from '../../shared/core/validation';
import { createCaseStore } from '../../shared/adapters/dynamodb/case-store';
import { keys } from '../../shared/adapters/dynamodb/keys';

/**
 * Realistic cases for the benchmark, deterministic for a seed: the sizes of what partners send
 * (a title of ~90 characters, a summary of ~600, facility and contact), Italian text with accents.
 */

/** A small, fast, seedable generator (mulberry32): the same seed gives the same cases. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
/** Between `min` and `max` distinct values of `list`, in its order. */
const some = <T>(rng: Rng, list: readonly T[], min: number, max: number): T[] => {
  const count = min + Math.floor(rng() * (max - min + 1));
  return [...list].sort(() => rng() - 0.5).slice(0, count).sort((a, b) => list.indexOf(a) - list.indexOf(b));
};

const FACILITIES = [
  'Humanitas Research Hospital', 'Istituto Europeo di Oncologia', 'ICS Maugeri – IRCCS di Pavia', 'IRCCS Policlinico San Donato',
  'Humanitas Gavazzeni Bergamo', 'Istituto Clinico Città Studi', 'IRCCS Santa Maria Nascente – Fondazione Don Gnocchi',
  'ASST Grande Ospedale Metropolitano Niguarda', 'ASST Papa Giovanni XXIII', 'Fondazione IRCCS Ca\' Granda Ospedale Maggiore Policlinico',
  'ASST Spedali Civili di Brescia', 'Ospedale San Raffaele', 'ASST Fatebenefratelli Sacco', 'RSA Residenza Anni Azzurri',
  'Casa di Comunità di Lodi', 'Ospedale di Comunità di Abbiategrasso',
];
const TITLE_WORDS = [
  'telemonitoraggio', 'domiciliare', 'pazienti', 'scompenso', 'cardiaco', 'cronico', 'percorso', 'integrato', 'piattaforma', 'digitale',
  'riabilitazione', 'post-operatoria', 'teleconsulto', 'specialistico', 'territorio', 'continuità', 'assistenziale', 'oncologia', 'BPCO', 'diabete',
];
const SENTENCES = [
  'Il servizio segue a domicilio i pazienti con patologia cronica dopo la dimissione ospedaliera.',
  'I parametri vitali raccolti dai dispositivi indossabili arrivano ogni giorno alla centrale operativa.',
  'Gli infermieri di famiglia e di comunità intervengono quando un valore supera la soglia concordata con lo specialista.',
  'La piattaforma è integrata con il Fascicolo Sanitario Elettronico e con la cartella clinica del reparto.',
  'Nel primo anno sono stati ridotti gli accessi al pronto soccorso e le riammissioni entro trenta giorni.',
  'Il progetto è finanziato con fondi PNRR della Missione 6 e coinvolge i medici di medicina generale.',
  'La televisita sostituisce una parte dei controlli ambulatoriali, con soddisfazione di pazienti e caregiver.',
  'I dati sono trattati secondo il GDPR e le linee guida nazionali sulla telemedicina.',
];
const NAMES = ['Maria Rossi', 'Luca Bianchi', 'Giulia Ferrari', 'Marco Colombo', 'Francesca Ricci', 'Davide Marino', 'Chiara Greco', 'Paolo Galli'];
const ROLES = ['Project manager', 'Direttore sanitario', 'Responsabile innovazione digitale', 'Coordinatrice infermieristica'];
const KINDS: CaseInput['kind'][] = ['telex', 'telex', 'telex', 'telex', 'telex', 'telex', 'hospital-app', 'hospital-app', 'need', 'proposal'];

const words = (rng: Rng, count: number) => Array.from({ length: count }, () => pick(rng, TITLE_WORDS)).join(' ');

/** Sentences until about `length` characters: the summaries partners write are a paragraph. */
function paragraph(rng: Rng, length: number): string {
  let text = '';
  while (text.length < length) text += `${text ? ' ' : ''}${pick(rng, SENTENCES)}`;
  return text.slice(0, length).trimEnd();
}

/** A valid submission as a partner sends it to `POST /cases`; `n` makes the contact unique. */
export function submissionPayload(rng: Rng, n: number): Record<string, unknown> {
  const kind = pick(rng, KINDS);
  const name = pick(rng, NAMES);
  const facility = pick(rng, FACILITIES);
  return {
    partner: pick(rng, HUB_PARTNERS).id,
    kind,
    title: `Progetto ${words(rng, 9)}`.slice(0, 110),
    summary: paragraph(rng, 560 + Math.floor(rng() * 80)),
    facility: rng() < 0.5 ? { name: facility, code: `03${String(Math.floor(rng() * 10_000)).padStart(4, '0')}` } : { name: facility },
    contact: { name, email: `${name.toLowerCase().replace(' ', '.')}+${n}@partner.example.org`, role: pick(rng, ROLES) },
    ...(kind === 'telex' ? { telexServices: some(rng, TELEX_SERVICES, 1, 3) } : {}),
    clinicalAreas: some(rng, CLINICAL_AREAS, 1, 3),
    careSettings: some(rng, CARE_SETTINGS, 1, 2),
    technologies: some(rng, TECHNOLOGIES, 1, 3),
    stage: pick(rng, STAGES),
    patientsImpacted: Math.floor(rng() * 5000),
    funding: some(rng, FUNDING, 1, 2),
    reimbursement: pick(rng, REIMBURSEMENT),
    interoperability: some(rng, INTEROPERABILITY, 1, 2),
    startDate: `20${20 + Math.floor(rng() * 6)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 10)}`,
    language: 'it',
    consent: true,
  };
}

/** The same submission, validated: what the store receives. Throws if the generator ever makes an invalid case. */
export function caseInput(rng: Rng, n: number): CaseInput {
  const validation = validateCase(submissionPayload(rng, n), 'it');
  if (!validation.ok) throw new Error(`the benchmark generated an invalid case: ${JSON.stringify(validation.errors)}`);
  return validation.value;
}

type Item = Record<string, unknown>;

/**
 * The case item exactly as `CaseStore.create` writes it: the store runs against a recording
 * stand-in of the document client and the put of the `case` item is kept.
 */
export async function storedCaseItem(draft: { id: string; reference: string; data: CaseInput; at: string; statusTokenHash: string }): Promise<Item> {
  let caseItem: Item | undefined;
  const recorder = {
    async send(command: { input: { Item?: Item } }) {
      if (command.input.Item?.type === 'case') caseItem = command.input.Item;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  await createCaseStore(recorder, 'recorder').create({ ...draft, channel: 'api', commit: { kind: 'submitted', effects: '' }, commitDueAt: draft.at });
  if (!caseItem) throw new Error('CaseStore.create wrote no case item');
  // As the commit leaves it once run: out of the outbox, its payload erased.
  const { gsi2pk: _index, gsi2sk: _due, payload: _payload, fresh: _fresh, ...settled } = caseItem;
  return { ...settled, doneAt: draft.at };
}

/**
 * The case item once approved, as `CaseStore.transition` leaves it after RequestReview (round 1)
 * and RecordApproval: in the byStatus index under `STATUS#approved`, decided.
 */
export function approvedItem(item: Item, decidedAt: string): Item {
  const id = String(item.id);
  return {
    ...item,
    ...keys.byStatus('approved', decidedAt, id),
    status: 'approved',
    revision: 3,
    updatedAt: decidedAt,
    decidedAt,
    reviewRound: 1,
    reviewAttempt: 0,
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The reference of bench case number `n`: unique by construction. Random references collide about
 * five times in 100,000 (30 bits), which a submission meets and retries, but seeding would overwrite.
 */
function benchReference(created: Date, n: number): string {
  let code = '';
  for (let rest = n, i = 0; i < 6; i++, rest = Math.floor(rest / 32)) code = CROCKFORD[rest % 32] + code;
  return `HUB-${created.getUTCFullYear()}-${code}`;
}

/** Approved case items number `from` to `to - 1`: their data is deterministic for their numbers, ids and secrets are fresh. */
export async function approvedCaseItems(from: number, to: number): Promise<Item[]> {
  const items: Item[] = [];
  for (let n = from; n < to; n++) {
    const rng = random(n + 1);
    const created = new Date(Date.UTC(2025, 0, 1) + n * 60_000);
    const decided = new Date(created.getTime() + (12 + Math.floor(rng() * 200)) * 3_600_000);
    const reference = benchReference(created, n);
    const stored = await storedCaseItem({
      id: caseIdFor(reference),
      reference,
      data: caseInput(rng, n),
      at: created.toISOString(),
      statusTokenHash: hashSecret(newSecret()),
    });
    items.push(approvedItem(stored, decided.toISOString()));
  }
  return items;
}
