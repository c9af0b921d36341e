/**
 * The ports the use cases need, declared by them: the repositories of the single table, the
 * outbox, the mailer, the notifier. `shared/adapters/*` implements them; `shared/wiring.ts` builds them.
 */
import type { CaseInput } from '../core/case';
import type { Actor, CaseEvent, CaseRecord, CaseStatus, CaseVersion, Effect, OutboxEntry } from '../core/case-record';
import type { DecisionTimes, MetricCase, MetricsSnapshot } from '../core/metrics';
import type { AmendmentRecord, DecisionRecord, ReviewRequest } from '../core/review';
import type { RequestReason } from '../core/reviewers';
import type { ConfirmedContacts } from './submit-case';
import type { PracticeView } from './matching';

/** A new case, ready to be stored with its first version and its pending effects. */
export interface NewCase {
  id: string;
  reference: string;
  data: CaseInput;
  /** How the submitter proved who they are. */
  channel: 'api' | 'form';
  statusTokenHash: string;
  /** Set when the contact must confirm the address before the case goes to review. */
  confirmTokenHash?: string;
  at: string;
  /** The form challenge it spends: a second case with it finds this one. */
  challengeId?: string;
  /** The expired or failed case it sends again: a second case from the same one finds this one. */
  resubmittedFrom?: string;
  /** The commit entry the case item carries: what to record and which effects to spawn (see `commitPayload`). */
  commit: Record<string, string | number>;
  /** When the sweep may pick up the commit if the stream has not run it. */
  commitDueAt: string;
}

export interface Transition {
  id: string;
  /** The revision read; the write fails if anyone changed the case since. */
  expectedRevision: number;
  from: CaseStatus;
  to: CaseStatus;
  actor: Actor;
  at: string;
  note?: string;
}

/** The case repository: domain code speaks to this, never to the SDK. */
export interface CaseStore {
  /**
   * Stores a new case in one write: its item, which carries its commit entry. The id is made from
   * the reference (`caseIdFor`), so a taken reference is a taken id: `created: false` with the case
   * that holds it (the same case, for a retried request; another one, for a collision), or
   * without one when the key holds a reference reserved for a case stored before this scheme.
   */
  create(draft: NewCase): Promise<{ created: true; record: CaseRecord } | { created: false; record?: CaseRecord }>;
  /**
   * Writes what a commit implies beyond the case item: for a new case its first version, its
   * `submitted` event and the status count; for an amendment its version and `amended` event.
   * Safe to repeat: the records are whole and keyed by the commit.
   */
  /** Adds a status link's secret (its hash) to a case, beside the first one. */
  addStatusLink(id: string, tokenHash: string): Promise<void>;
  recordCommit(record: CaseRecord, commit: { kind: 'submitted' } | { kind: 'amended'; version: number; at: string; seq: number }): Promise<void>;
  get(id: string): Promise<CaseRecord | undefined>;
  history(id: string): Promise<CaseEvent[]>;
  /** Ids of the cases in a status, oldest change first (a query on the byStatus index). */
  idsByStatus(status: CaseStatus): Promise<string[]>;
  versions(id: string): Promise<CaseVersion[]>;
  /** One stored version of a case's data, read by its key (a single read), or undefined when none is stored. */
  version(id: string, version: number): Promise<CaseVersion | undefined>;
  /** Changes status if the case is still at the expected revision and status; false otherwise. */
  transition(change: Transition & { round?: number; attempt?: number }): Promise<boolean>;
  /** Sets the review round and reminder attempt in progress (status unchanged). */
  setRound(id: string, expectedRevision: number, round: number, attempt: number, at: string): Promise<boolean>;
  /**
   * Stores an amended version of a case sent back for changes in one write of the case item,
   * which carries the commit that records the version and delivers the amendment to the
   * workflow. False if the case changed or was amended already.
   */
  amend(change: { id: string; expectedRevision: number; data: CaseInput; version: number; round: number; at: string; commit: Record<string, string | number> }): Promise<boolean>;
  /**
   * Records that the contact confirmed the address, and in the same write queues the start of the
   * review (when `startWorkflow`). False if the case changed or was confirmed already.
   */
  confirmContact(change: { id: string; expectedRevision: number; at: string; startWorkflow: boolean }): Promise<boolean>;
}

/** Contacts who confirmed their address for a partner, so that people confirm once. */
export interface ContactStore extends ConfirmedContacts {
  remember(partner: string, email: string, at: string): Promise<void>;
}

/** What an Idempotency-Key is bound to: the request it first came with and the case it made. */
export interface IdempotencyRecord {
  fingerprint: string;
  caseId: string;
  reference: string;
  /**
   * The status link's secret, encrypted under a key derived from the Idempotency-Key itself, which
   * is stored only as a hash: the table alone never yields a working link.
   */
  sealedToken: string;
  /** When the first request bound the key (or a replay took over a request that died). */
  reservedAt: string;
  /** Set when the request holding the key failed before storing its case: a retry may take over at once. */
  releasedAt?: string;
  /** Epoch seconds; the table's TTL attribute. */
  expiresAt: number;
}

export interface IdempotencyStore {
  /**
   * Binds a key to `candidate` unless it is already bound. Returns the record that holds the
   * key: `candidate` itself when `fresh`, otherwise the one stored by the first request.
   */
  reserve(partner: string, key: string, candidate: IdempotencyRecord, now: Date): Promise<{ fresh: boolean; record: IdempotencyRecord }>;
  /** Takes over a reservation whose request died; false when another replay took it first. */
  takeOver(partner: string, key: string, seen: IdempotencyRecord, now: Date): Promise<boolean>;
  /** Says that the request holding the key gave up before storing its case. Best effort. */
  release(partner: string, key: string, caseId: string, now: Date): Promise<void>;
  /** Points the key at the reference its case finally claimed (after a rare collision). */
  rebind(partner: string, key: string, caseId: string, reference: string): Promise<void>;
}

/** A stored snapshot: the metrics and the entity tag clients revalidate with. */
export interface StoredSnapshot {
  snapshot: MetricsSnapshot;
  etag: string;
}

/** One page of a query on the byStatus index, and the read capacity it consumed. */
export interface Page<T> {
  items: T[];
  readCapacity: number;
}

export interface MetricsStore {
  /**
   * Approved cases, only their metric attributes, from the byStatus index, a page at a time: the
   * next page is read when the consumer asks for it, so only one page is held at once.
   */
  approvedCases(): AsyncIterable<Page<MetricCase>>;
  /** Submission and decision times of the cases in a status, a page at a time likewise. */
  decisionTimes(status: CaseStatus): AsyncIterable<Page<DecisionTimes>>;
  statusCounts(): Promise<Partial<Record<CaseStatus, number>>>;
  /** Writes the snapshot to the history, then as the latest. */
  save(snapshot: MetricsSnapshot): Promise<StoredSnapshot>;
  latest(): Promise<StoredSnapshot | undefined>;
  /** Snapshots newest first, a page at a time; `cursor` comes from the previous page. */
  history(limit: number, cursor?: string): Promise<{ items: MetricsSnapshot[]; cursor?: string }>;
}

/**
 * The outbox: any item that carries `effect`, `dueAt` and the outbox index keys is pending work.
 * Writing those attributes in the same single-item write as the change they follow is what makes
 * "stored, then emailed" safe without transactions.
 */
/**
 * Which item an outbox entry rides on: the case item itself, an entry of its own for an effect, or
 * the review request, amendment or decision whose write queued it. The DynamoDB adapter turns it
 * into the item's key (`keys.ts`), so that the use cases never build one.
 */
export type EntryAt =
  | { on: 'case'; caseId: string }
  | { on: 'effect'; caseId: string; effect: Effect; suffix?: string }
  | { on: 'review-request'; caseId: string; round: number; attempt: number; index: number }
  | { on: 'amendment'; caseId: string; round: number }
  | { on: 'decision'; caseId: string; round: number };

export interface OutboxStore {
  /** The key of the item that carries an entry. */
  entryKey(at: EntryAt): OutboxEntry['key'];
  /** Entries due at or before `now`, oldest first. */
  due(now: string, limit: number): Promise<OutboxEntry[]>;
  /** Leases an entry for processing; false if someone else took it first or it is done. */
  lease(entry: OutboxEntry, leaseUntil: string): Promise<boolean>;
  /**
   * Takes the entry out of the outbox and erases its payload (it may hold link secrets). This and
   * the two below settle an entry as leased (`entry.dueAt` the lease's end) and do nothing once
   * the item carries another entry or another lease.
   */
  complete(entry: OutboxEntry, at: string): Promise<void>;
  /** Puts the entry back for a later attempt. */
  defer(entry: OutboxEntry, dueAt: string, error: string): Promise<void>;
  /** Queues work on an item of its own, once: false when that item exists already. */
  enqueue(entry: Omit<OutboxEntry, 'attempts'>): Promise<boolean>;
  /**
   * Takes an entry that failed for good out of the outbox, into the dead letters: the same item,
   * its payload kept (a retry needs its link secret), with its last error and attempts.
   */
  deadLetter(entry: OutboxEntry, at: string, error: string): Promise<void>;
  /** Every dead-lettered entry, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /** Puts a dead-lettered entry back in the outbox, due at `at`, with its attempts counted afresh; false if it is no dead letter. */
  revive(entry: Pick<OutboxEntry, 'key' | 'caseId'>, at: string): Promise<boolean>;
}

/** An outbox entry a commit has just written, as the table's stream hands it over, named by its stream record. */
export interface FreshEntry {
  id: string;
  entry: OutboxEntry;
}

/** An outbox entry given up on: what ops see with `npm run outbox -- list-dead`. */
export interface DeadLetter extends OutboxEntry {
  deadLetteredAt: string;
  lastError: string;
}

/** The review side of the table: task tokens, review links, decisions and amendments. */
export interface ReviewStore {
  /** Keeps the current task token of a workflow wait; a newer token (a reminder, a retry) replaces it. */
  saveTaskToken(caseId: string, kind: 'review' | 'amend', round: number, token: string, at: string): Promise<void>;
  taskToken(caseId: string, kind: 'review' | 'amend', round: number): Promise<string | undefined>;
  /**
   * Creates one reviewer's link for a round and attempt, with its mail in the outbox. Idempotent:
   * false (and nothing new) when that request exists already, as on a retried task.
   */
  createRequest(
    request: Omit<ReviewRequest, 'reviewIdHash'> & {
      index: number;
      reviewId: string;
      mailDueAt: string;
      /** The case's revision as the request went out: its audit event sorts after the events before it at the same instant. */
      revision?: number;
    },
  ): Promise<boolean>;
  /** The request a review link opens, if the link is genuine. */
  findRequest(reviewId: string): Promise<ReviewRequest | undefined>;
  /**
   * The links of a round's attempt, if that attempt made any: when they expire (its window's end)
   * and why they went out (a review, a reminder or the escalation).
   */
  attemptLinks(caseId: string, round: number, attempt: number): Promise<{ expiresAt: string; reason: RequestReason } | undefined>;
  /** Records the round's decision once; otherwise returns the decision that was there first. */
  recordDecision(decision: DecisionRecord): Promise<{ recorded: true } | { recorded: false; existing: DecisionRecord }>;
  decision(caseId: string, round: number): Promise<DecisionRecord | undefined>;
  decisions(caseId: string): Promise<DecisionRecord[]>;
  /** Opens the amendment of a round with its edit link and queues its mail; idempotent like createRequest. */
  createAmendment(amendment: AmendmentRecord & { editToken: string; mailDueAt: string }): Promise<boolean>;
  amendment(caseId: string, round: number): Promise<AmendmentRecord | undefined>;
}

export type StoredItem = Record<string, unknown> & { pk: string; sk: string; type?: string };

/** The items that hold one person's data, and the means to erase them in place. */
export interface PersonStore {
  /** Every item that holds this email (through the byPerson index), read in full. */
  itemsOf(email: string): Promise<StoredItem[]>;
  /**
   * Replaces the personal data of one item by placeholders and takes it out of the byPerson
   * index. Each item type keeps its shape, so history and audit still read.
   */
  erase(item: StoredItem, at: string): Promise<void>;
  /** Items of a case partition (case item, versions), for retention erasure of a submitter. */
  caseItems(caseId: string): Promise<StoredItem[]>;
  /** Ids of decided cases with `status`, decided between `from` (exclusive) and `to` (inclusive). */
  decidedBetween(status: string, from: string, to: string): Promise<string[]>;
  watermark(): Promise<string | undefined>;
  setWatermark(at: string): Promise<void>;
}

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends email; the SES v2 adapter is the only implementation outside tests. */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}

/**
 * The mails of a case's life, in the words of the use cases: what to tell whom. The SES adapter
 * renders each in the recipient's language and sends it (`shared/adapters/ses/notifier.ts`).
 */
/** What the outcome mail tells: the outcome, the reviewers' comment, a status link, and for an expiry whose wait it was. */
export interface OutcomeMailOptions {
  outcome: string;
  comment?: string;
  statusUrl: string;
  /** For a case closed without a decision (expired, failed): the link that sends it again as it stands. */
  resubmitUrl?: string;
  /** The status the case expired from: `in_review` (no reviewer decided) or `changes_requested` (no amendment came). */
  expiredFrom?: CaseStatus;
}

/**
 * What the mail about a practice that answers a need tells: the practice's public fields and
 * partner, why it answers, where to read it, and whom to write to be introduced: the Hub, never the
 * practice's own contact.
 */
export interface MatchMailOptions {
  practice: PracticeView;
  statusUrl: string;
  catalogUrl: string;
  /** The Hub's address for introductions, when the stage has one. */
  hubContactEmail?: string;
}

/** What a review mail tells its one recipient. */
export interface ReviewMailOptions {
  partnerName: string;
  to: string;
  url: string;
  reminder: boolean;
  /** No reviewer decided within the window and its reminders: a coordinator is asked before the case expires. */
  escalation?: boolean;
  /** When the link expires: for an escalation, when the case expires without a decision. */
  expiresAt: string;
  previous: { decision: string; comment?: string; round: number }[];
}

export interface Notifier {
  /** The receipt, with the status link. */
  receipt(record: CaseRecord, statusUrl: string): Promise<void>;
  /** The request to confirm the contact's address of a case sent through the form. */
  confirm(record: CaseRecord, options: { confirmUrl: string; statusUrl: string; partnerName: string }): Promise<void>;
  /** The request to one reviewer, its reminder, or the escalation of the case to one coordinator. */
  review(record: CaseRecord, options: ReviewMailOptions): Promise<void>;
  /** The request to the submitter to amend the case. */
  changes(record: CaseRecord, options: { url: string; comment: string; expiresAt: string }): Promise<void>;
  /** The outcome: approved, rejected or expired. */
  outcome(record: CaseRecord, options: OutcomeMailOptions): Promise<void>;
  /** To a need's submitter: a practice approved since answers the need. */
  match(need: CaseRecord, options: MatchMailOptions): Promise<void>;
}
