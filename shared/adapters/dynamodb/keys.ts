import { createHash } from 'node:crypto';

/**
 * Every key of the single table, built here and nowhere else.
 *
 * Items that hold someone's email also carry `gsi3pk = PERSON#<sha256(email)>` (index byPerson,
 * keys only), so one person's data can be found, exported and erased without a scan.
 *
 * | item              | pk                         | sk                    | gsi1 (byStatusV2)            | gsi2 (outbox)       |
 * |-------------------|----------------------------|-----------------------|------------------------------|---------------------|
 * | case              | CASE#<id>                  | CASE                  | STATUS#<status> / <at>#<id>  | while its commit is pending |
 * |   (id = caseIdFor(reference): the key keeps references unique)                                                      |
 * | reserved reference| CASE#<caseIdFor(reference)>| CASE                  |                              |                     |
 * | version           | CASE#<id>                  | VERSION#<0001>        |                              |                     |
 * | event             | CASE#<id>                  | EVENT#<at>#<seq>      |                              |                     |
 * | … review request  | CASE#<id>                  | EVENT#<at>#<seq>#REQUEST#<r>#<a>#<i> (one per person asked) |   |               |
 * | outbox entry      | CASE#<id>                  | OUTBOX#<effect>       |                              | OUTBOX / <due>#<id> |
 * | … dead-lettered   | (the same item)            |                       |                              | OUTBOX#DEAD / <at>#<id> |
 * | task token        | CASE#<id>                  | TASK#<kind>#<round>   |                              |                     |
 * | review request    | CASE#<id>                  | REQUEST#<r>#<a>#<i>   |                              | while mail pending  |
 * | decision          | CASE#<id>                  | DECISION#<round>      |                              | until delivered     |
 * | amendment         | CASE#<id>                  | AMEND#<round>         |                              | while mail pending  |
 * | review link       | REVIEW#<sha256(id)>        | REVIEW                |                              |                     |
 * | reference claim   | REFERENCE#<reference>      | REFERENCE             | (cases stored before ids came from references) |    |
 * | status counters   | STATS                      | STATUS                |                              |                     |
 * | latest snapshot   | METRICS                    | LATEST                |                              |                     |
 * | snapshot history  | METRICS#HISTORY            | <generatedAt>         |                              |                     |
 * | report texts      | REPORT#TEXTS               | VERSION#<000001>      |                              |                     |
 * | idempotency       | IDEMPOTENCY#<partner>#<h>  | IDEMPOTENCY           |                              |                     |
 * | partner API key   | PARTNER#<partner>          | KEY#<keyId>           |                              |                     |
 * | confirmed contact | PARTNER#<partner>          | CONTACT#<sha256(email)>|                             |                     |
 * | mail cap          | MAILCAP#<sha256(email)>    | <kind>#<YYYY-MM-DD>   |                              |                     |
 */
/**
 * Marks an outbox entry a commit has just written and nobody has leased yet: the table's stream
 * hands such items to `react-to-commit`; the lease removes the mark.
 */
export const FRESH_ATTRIBUTE = 'fresh';

/**
 * The indexes by role, and the name each has on the table. The byStatus role is served by the
 * index `byStatusV2`: an index's projection cannot change in place (CloudFormation refuses it),
 * so projecting targetPopulation and medicalDevice took a new index beside the old `byStatus`
 * (see `RETIRED_STATUS_INDEX` in `infra/stacks/stateful-stack.ts` and README, "Deploying to AWS").
 */
export const INDEX = { byStatus: 'byStatusV2', outbox: 'outbox', byPerson: 'byPerson' } as const;

const emailHash = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
const personPartition = (email: string) => `PERSON#${emailHash(email)}`;

export const keys = {
  case: (id: string) => ({ pk: `CASE#${id}`, sk: 'CASE' }),
  casePartition: (id: string) => `CASE#${id}`,
  version: (id: string, version: number) => ({ pk: `CASE#${id}`, sk: `VERSION#${String(version).padStart(4, '0')}` }),
  versionPrefix: 'VERSION#',
  event: (id: string, at: string, seq: number) => ({ pk: `CASE#${id}`, sk: `EVENT#${at}#${String(seq).padStart(4, '0')}` }),
  eventPrefix: 'EVENT#',
  /**
   * The `review-requested` event of one review request, one per person asked: after the events
   * of the case's revisions before it (`revision`, the case's as the request went out), before
   * the next one's at the same instant, and keyed by the request, so that writing it again writes
   * the same item.
   */
  requestEvent: (id: string, at: string, revision: number, round: number, attempt: number, index: number) => ({
    pk: `CASE#${id}`,
    sk: `EVENT#${at}#${String(Math.max(0, revision - 1)).padStart(4, '0')}#REQUEST#${String(round).padStart(3, '0')}#${String(attempt).padStart(2, '0')}#${String(index).padStart(3, '0')}`,
  }),
  outbox: (id: string, effect: string, suffix = '') => ({ pk: `CASE#${id}`, sk: `OUTBOX#${effect}${suffix}` }),
  outboxIndex: (dueAt: string, id: string) => ({ gsi2pk: 'OUTBOX', gsi2sk: `${dueAt}#${id}` }),
  outboxPartition: 'OUTBOX',
  /** An outbox entry that failed too often: in a partition of the outbox index the sweep never reads. */
  deadLetterIndex: (at: string, id: string) => ({ gsi2pk: 'OUTBOX#DEAD', gsi2sk: `${at}#${id}` }),
  deadLetterPartition: 'OUTBOX#DEAD',
  byStatus: (status: string, at: string, id: string) => ({ gsi1pk: `STATUS#${status}`, gsi1sk: `${at}#${id}` }),
  statusPartition: (status: string) => `STATUS#${status}`,
  task: (id: string, kind: 'review' | 'amend', round: number) => ({ pk: `CASE#${id}`, sk: `TASK#${kind}#${round}` }),
  reviewRequest: (id: string, round: number, attempt: number, index: number) => ({
    pk: `CASE#${id}`,
    sk: `REQUEST#${String(round).padStart(3, '0')}#${String(attempt).padStart(2, '0')}#${String(index).padStart(3, '0')}`,
  }),
  decision: (id: string, round: number) => ({ pk: `CASE#${id}`, sk: `DECISION#${String(round).padStart(3, '0')}` }),
  decisionPrefix: 'DECISION#',
  amendment: (id: string, round: number) => ({ pk: `CASE#${id}`, sk: `AMEND#${String(round).padStart(3, '0')}` }),
  reviewLink: (reviewIdHash: string) => ({ pk: `REVIEW#${reviewIdHash}`, sk: 'REVIEW' }),
  /** Marks an item as holding this person's data. */
  person: (email: string) => ({ gsi3pk: personPartition(email) }),
  personPartition: (email: string) => personPartition(email),
  statusCounters: { pk: 'STATS', sk: 'STATUS' },
  purgeWatermark: { pk: 'STATS', sk: 'PURGE' },
  latestSnapshot: { pk: 'METRICS', sk: 'LATEST' },
  snapshotHistory: (generatedAt: string) => ({ pk: 'METRICS#HISTORY', sk: generatedAt }),
  snapshotHistoryPartition: 'METRICS#HISTORY',
  /** Partition keys the aggregation may write, and nothing else. */
  snapshotPartitions: ['METRICS', 'METRICS#HISTORY'],
  /** A saved version of the report's editorial texts: one item per version, never overwritten. */
  reportTexts: (version: number) => ({ pk: 'REPORT#TEXTS', sk: `VERSION#${String(version).padStart(6, '0')}` }),
  reportTextsPartition: 'REPORT#TEXTS',
  /** The claim of a reference by a case stored before ids came from references (read by `legacy-references.ts`). */
  reference: (reference: string) => ({ pk: `REFERENCE#${reference}`, sk: 'REFERENCE' }),
  idempotency: (partner: string, keyHash: string) => ({ pk: `IDEMPOTENCY#${partner}#${keyHash}`, sk: 'IDEMPOTENCY' }),
  partnerKey: (partner: string, keyId: string) => ({ pk: `PARTNER#${partner}`, sk: `KEY#${keyId}` }),
  partnerPartition: (partner: string) => `PARTNER#${partner}`,
  partnerKeyPrefix: 'KEY#',
  /** A contact who confirmed their address for a partner once (stored by hash: the item holds no address). */
  confirmedContact: (partner: string, email: string) => ({ pk: `PARTNER#${partner}`, sk: `CONTACT#${emailHash(email)}` }),
  /** How many mails of one kind an address got on one UTC day. */
  mailCap: (email: string, kind: string, day: string) => ({ pk: `MAILCAP#${emailHash(email)}`, sk: `${kind}#${day}` }),
} as const;

/** Attributes the byStatus index projects: what metrics, the catalogue and sweeps read. */
export const STATUS_INDEX_ATTRIBUTES = [
  'id',
  'reference',
  'status',
  'partner',
  'kind',
  'title',
  'facility',
  'telexServices',
  'clinicalAreas',
  'careSettings',
  'technologies',
  'stage',
  'patientsImpacted',
  'funding',
  'reimbursement',
  'interoperability',
  'startDate',
  'targetPopulation',
  'medicalDevice',
  'createdAt',
  'decidedAt',
] as const;
