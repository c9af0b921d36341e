import type { CaseStore } from './ports';
import type { IdempotencyRecord, IdempotencyStore } from './ports';
import { HONEYPOT_FIELD, type CaseInput, type Language } from '../core/case';
import { CHALLENGE_EXPIRES_IN_SECONDS, CHALLENGE_FIELD } from './challenge';
import type { CaseRecord, CaseStatus } from '../core/case-record';
import { commitPayload, effectsFor, statusUrl, type EffectDeps } from './effects';
import {
  Forbidden,
  IdempotencyKeyReused,
  InvalidIdempotencyKey,
  KeyForAnotherPartner,
  SubmissionInProgress,
  Unauthorized,
  ValidationFailed,
} from '../core/errors';
import { caseIdFor, fingerprint, hashSecret, newReference, newSecret, openSealed, referenceFromSeed, seal } from '../core/ids';
import { authenticateKey, bearerToken, type PartnerKeys } from './partner-keys';
import { contactDomainAllowed, originAllowed, type Partner } from '../core/partners';
import { validateCase } from '../core/validation';

/**
 * Checks the Hub form's proof of work (a pure verification). A solved challenge is single-use
 * because it names its case: the first reference of a form case comes from the challenge's id,
 * so a replay meets the case it made at the same key.
 */
export interface HumanCheck {
  verify(solution: string, partnerId: string, now: Date): Promise<{ ok: true; id: string; expiresAt: number } | { ok: false; reason: string }>;
}

/** Contacts who confirmed their address for a partner once. */
export interface ConfirmedContacts {
  isConfirmed(partner: string, email: string): Promise<boolean>;
}

export interface SubmitDeps extends Pick<EffectDeps, 'cases' | 'partners' | 'publicBaseUrl' | 'now' | 'log'> {
  idempotency: IdempotencyStore;
  partnerKeys: PartnerKeys;
  humanCheck: HumanCheck;
  confirmedContacts: ConfirmedContacts;
  ownOrigin: string;
  /** Whether stored cases start the case-review workflow (a state machine is configured). */
  startsWorkflow: boolean;
}

export interface SubmitRequest {
  payload: Record<string, unknown>;
  lang: Language;
  origin?: string;
  idempotencyKey?: string;
  /** The `Authorization` header, as sent. */
  authorization?: string;
}

export interface SubmitResult {
  /** `created`: a new case; `replayed`: the same request again; `discarded`: the honeypot was filled. */
  outcome: 'created' | 'replayed' | 'discarded';
  id: string;
  reference: string;
  status: CaseStatus;
  statusUrl: string;
  /** The case waits for its contact to confirm the address before reviewers see it. */
  awaitingConfirmation: boolean;
}

/** How the submitter proved who they are: a partner's system by its key, or a person through the form. */
export type Channel = 'api' | 'form';

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{8,128}$/;
/** The stream runs a case's commit at once; the sweep picks it up if it is still pending after this long. */
export const STREAM_GRACE_MS = 60_000;
/** References tried before giving up: 30 random bits collide rarely, five times in a row never. */
export const REFERENCE_ATTEMPTS = 5;
/**
 * A reservation whose case is still missing after this long belongs to a request that died
 * (functions time out far sooner): a replay may then finish the work.
 */
const STALE_RESERVATION_MS = 120_000;
/** How long a replay waits for the first request of its key to store the case. */
const REPLAY_WAIT_MS = [25, 50, 100, 200, 400, 800, 1600];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The reference a case tries first, and after each collision: from the form's challenge (dated by
 * the challenge's own issue, so that a replay after midnight on New Year's Eve names the same
 * case), or random.
 */
function referenceAt(caller: Caller, now: Date, attempt: number): string {
  if (caller.channel === 'api') return newReference(now);
  const issued = new Date((caller.challenge.expiresAt - CHALLENGE_EXPIRES_IN_SECONDS) * 1000);
  return referenceFromSeed(issued, caller.challenge.id, attempt);
}

type Caller = { channel: 'api'; keyId: string } | { channel: 'form'; challenge: { id: string; expiresAt: number } };

/** Who is submitting: the partner's key, or a solved challenge of the Hub's form. Refuses anyone else with 401. */
async function authenticate(
  deps: SubmitDeps,
  partner: Partner,
  request: SubmitRequest,
  solution: unknown,
): Promise<Caller> {
  if (request.authorization !== undefined && request.authorization.trim() !== '') {
    const token = bearerToken(request.authorization);
    if (!token) throw Unauthorized.invalidKey();
    const result = await authenticateKey(deps.partnerKeys, token, partner.id);
    if (!result.ok) throw result.reason === 'other-partner' ? new KeyForAnotherPartner() : Unauthorized.invalidKey();
    return { channel: 'api', keyId: result.record.keyId };
  }
  if (typeof solution === 'string' && solution !== '') {
    const verified = await deps.humanCheck.verify(solution, partner.id, deps.now());
    if (!verified.ok) throw Unauthorized.challengeFailed();
    return { channel: 'form', challenge: { id: verified.id, expiresAt: verified.expiresAt } };
  }
  throw Unauthorized.missing();
}

function checkContactDomain(partner: Partner, data: CaseInput, lang: Language): void {
  if (contactDomainAllowed(partner, data.contact.email)) return;
  const domains = partner.contactDomains.join(', ');
  throw new ValidationFailed([
    {
      path: 'contact.email',
      message:
        lang === 'it'
          ? `Email del referente: deve essere un indirizzo dell'organizzazione ${partner.name} (${domains})`
          : `Contact email: must be an address of ${partner.name} (${domains})`,
    },
  ]);
}

/**
 * Binds an Idempotency-Key before anything else is written. A replay of a stored case writes
 * nothing and answers as the first request did; a replay racing the first request waits for it.
 */
async function bindIdempotencyKey(
  deps: SubmitDeps,
  request: SubmitRequest & { idempotencyKey: string },
  data: CaseInput,
  scope: string,
  fresh: { caseId: string; reference: string; token: string },
  now: Date,
): Promise<{ replay: CaseRecord; token: string } | { resume: IdempotencyRecord; token: string } | undefined> {
  const sealKey = { secret: request.idempotencyKey, context: scope };
  const candidate: IdempotencyRecord = {
    fingerprint: fingerprint(data),
    caseId: fresh.caseId,
    reference: fresh.reference,
    sealedToken: seal(fresh.token, sealKey),
    reservedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  };
  const reserved = await deps.idempotency.reserve(scope, request.idempotencyKey, candidate, now);
  if (reserved.fresh) return undefined;
  const record = reserved.record;
  if (record.fingerprint !== candidate.fingerprint) throw new IdempotencyKeyReused();
  const token = openSealed(record.sealedToken, sealKey);
  if (token === undefined) throw new IdempotencyKeyReused();
  // The first request may still be writing: give it a moment, reading only.
  for (const wait of record.releasedAt ? [0] : [0, ...REPLAY_WAIT_MS]) {
    if (wait) await sleep(wait);
    const existing = await deps.cases.get(record.caseId);
    if (existing) return { replay: existing, token };
  }
  // No case: the first request gave up (it says so), or died (its reservation is old). Otherwise it is still running.
  const abandoned = record.releasedAt !== undefined || deps.now().getTime() - Date.parse(record.reservedAt) >= STALE_RESERVATION_MS;
  if (!abandoned || !(await deps.idempotency.takeOver(scope, request.idempotencyKey, record, deps.now()))) throw new SubmissionInProgress();
  return { resume: record, token };
}

/**
 * Stores the case in its one write, with the commit entry that sends its mails and starts its
 * review from the stream. A taken reference is a taken id: the same case again (a resumed
 * request) is found by its status secret; a case made with the same challenge is a replay (401);
 * any other is a collision, and the next reference is tried.
 */
async function storeCase(
  deps: SubmitDeps,
  args: {
    caller: Caller;
    partner: Partner;
    data: CaseInput;
    token: string;
    reference: string;
    now: Date;
    idempotencyKey?: string;
    scope: string;
  },
) {
  const { caller, partner, data, token, now } = args;
  const confirmed = caller.channel === 'api' || (await deps.confirmedContacts.isConfirmed(partner.id, data.contact.email));
  const confirmToken = confirmed ? undefined : newSecret();
  const effects = effectsFor({ startsWorkflow: deps.startsWorkflow, statusToken: token, confirmToken });
  const statusTokenHash = hashSecret(token);
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const reference = attempt === 0 ? args.reference : referenceAt(caller, now, attempt);
    const caseId = caseIdFor(reference);
    if (attempt > 0 && args.idempotencyKey !== undefined) await deps.idempotency.rebind(args.scope, args.idempotencyKey, caseId, reference);
    const { created, record } = await deps.cases.create({
      id: caseId,
      reference,
      data,
      channel: caller.channel,
      statusTokenHash,
      ...(confirmToken ? { confirmTokenHash: hashSecret(confirmToken) } : {}),
      ...(caller.channel === 'form' ? { challengeId: caller.challenge.id } : {}),
      at: now.toISOString(),
      commit: commitPayload('submitted', effects, { keyId: caller.channel === 'api' ? caller.keyId : undefined }),
      commitDueAt: new Date(now.getTime() + STREAM_GRACE_MS).toISOString(),
    });
    if (created) return { created, record, confirmed };
    if (record?.statusTokenHash === statusTokenHash) return { created, record, confirmed };
    if (caller.channel === 'form' && record?.challengeId === caller.challenge.id) throw Unauthorized.challengeFailed();
  }
  throw new Error('could not find a free reference');
}

/**
 * Accepts a case submission: checks the partner, origin, caller and data, binds the
 * Idempotency-Key and stores the case in one write that carries its pending effects; the
 * receipt or confirmation mail and the workflow start run from that commit (the table's stream,
 * the sweep behind it), never on the response path. Nothing is written for a refused request,
 * nor for a replay.
 */
export async function submitCase(deps: SubmitDeps, request: SubmitRequest): Promise<SubmitResult> {
  const { [HONEYPOT_FIELD]: honeypot, [CHALLENGE_FIELD]: solution, ...payload } = request.payload;
  const partnerId = payload.partner;
  const partner = typeof partnerId === 'string' ? deps.partners.get(partnerId) : undefined;
  if (typeof partnerId === 'string' && !partner) throw Forbidden.unknownPartner();
  if (partner && !originAllowed(partner, request.origin, deps.ownOrigin)) throw Forbidden.originNotAllowed(request.origin ?? '');
  if (request.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(request.idempotencyKey)) throw new InvalidIdempotencyKey();
  if (!partner) {
    // Without a partner no key or challenge can be checked. A caller who sent neither is refused
    // like any stranger; one who sent credentials learns what the data lacks.
    const credentials = (request.authorization ?? '').trim() !== '' || (typeof solution === 'string' && solution !== '');
    if (!credentials) throw Unauthorized.missing();
    const validation = validateCase(payload, request.lang);
    if (validation.ok) throw Forbidden.unknownPartner();
    throw new ValidationFailed(validation.errors);
  }

  const caller = await authenticate(deps, partner, request, solution);

  if (typeof honeypot === 'string' ? honeypot.trim() !== '' : honeypot !== undefined) {
    // Look accepted so that the bot learns nothing; store nothing.
    const reference = newReference(deps.now());
    const id = caseIdFor(reference);
    return {
      outcome: 'discarded',
      id,
      reference,
      status: 'submitted',
      statusUrl: statusUrl(deps.publicBaseUrl, id, newSecret()),
      awaitingConfirmation: caller.channel === 'form',
    };
  }

  // A case that states no language takes the request's (?lang=, else Accept-Language): its mails speak it.
  const validation = validateCase(payload.language === undefined ? { ...payload, language: request.lang } : payload, request.lang);
  if (!validation.ok) throw new ValidationFailed(validation.errors);
  const data = validation.value;
  checkContactDomain(partner, data, request.lang);

  const now = deps.now();
  // A partner's keys are its systems' own: a person through the form (anyone, in the end) never
  // shares their namespace, so nobody can claim a key the partner will send.
  const scope = caller.channel === 'api' ? partner.id : `form:${partner.id}`;
  let token = newSecret();
  let reference = referenceAt(caller, now, 0);
  let caseId = caseIdFor(reference);

  if (request.idempotencyKey !== undefined) {
    const bound = await bindIdempotencyKey(deps, { ...request, idempotencyKey: request.idempotencyKey }, data, scope, { caseId, reference, token }, now);
    if (bound && 'replay' in bound) {
      const existing = bound.replay;
      return {
        outcome: 'replayed',
        id: existing.id,
        reference: existing.reference,
        status: 'submitted',
        statusUrl: statusUrl(deps.publicBaseUrl, existing.id, bound.token),
        awaitingConfirmation: existing.awaitingConfirmation === true,
      };
    }
    if (bound) {
      // The first request with this key died before storing its case: finish its work, with its ids.
      caseId = bound.resume.caseId;
      reference = bound.resume.reference;
      token = bound.token;
    }
  }

  let stored: Awaited<ReturnType<typeof storeCase>>;
  try {
    stored = await storeCase(deps, { caller, partner, data, token, reference, now, idempotencyKey: request.idempotencyKey, scope });
  } catch (error) {
    // Nothing was committed: let a retry with the same key take over at once rather than wait.
    if (request.idempotencyKey !== undefined) await deps.idempotency.release(scope, request.idempotencyKey, caseId, deps.now());
    throw error;
  }
  const { created, record, confirmed } = stored;
  if (created) {
    deps.log.info('case stored', { caseId: record.id, reference: record.reference, partner: data.partner, kind: data.kind, channel: caller.channel, awaitingConfirmation: !confirmed });
  }
  return {
    outcome: created ? 'created' : 'replayed',
    id: record.id,
    reference: record.reference,
    status: 'submitted',
    statusUrl: statusUrl(deps.publicBaseUrl, record.id, token),
    awaitingConfirmation: record.awaitingConfirmation === true,
  };
}
