import type { Notifier } from './ports';
import type { CaseStore } from './ports';
import type { IdempotencyRecord, IdempotencyStore } from './ports';
import { HONEYPOT_FIELD, type CaseInput, type Language } from '../core/case';
import { CHALLENGE_FIELD } from './challenge';
import type { CaseRecord, CaseStatus } from '../core/case-record';
import { effectsFor, runInline, statusUrl, type EffectDeps } from './effects';
import {
  Forbidden,
  IdempotencyKeyReused,
  InvalidIdempotencyKey,
  KeyForAnotherPartner,
  SubmissionInProgress,
  Unauthorized,
  ValidationFailed,
} from '../core/errors';
import { fingerprint, hashSecret, newCaseId, newReference, newSecret, openSealed, seal } from '../core/ids';
import { LAST_USE_RESOLUTION_MS, authenticateKey, bearerToken, type PartnerKeys } from './partner-keys';
import { contactDomainAllowed, originAllowed, type Partner } from '../core/partners';
import { validateCase } from '../core/validation';

/** Checks the Hub form's proof of work: pure verification first, then a single-use spend. */
export interface HumanCheck {
  verify(solution: string, partnerId: string, now: Date): Promise<{ ok: true; id: string; expiresAt: number } | { ok: false; reason: string }>;
  /** Marks a verified challenge used; false when it was used before (a replay). */
  spend(id: string, expiresAt: number): Promise<boolean>;
}

/** Contacts who confirmed their address for a partner once. */
export interface ConfirmedContacts {
  isConfirmed(partner: string, email: string): Promise<boolean>;
}

export interface SubmitDeps extends EffectDeps {
  /** Every submission mails its receipt or the contact's confirmation. */
  notifier: Notifier;
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
/** Effects are run inline; the outbox picks up what is still pending after this long. */
const INLINE_GRACE_MS = 60_000;
/**
 * A reservation whose case is still missing after this long belongs to a request that died
 * (functions time out far sooner): a replay may then finish the work.
 */
const STALE_RESERVATION_MS = 120_000;
/** How long a replay waits for the first request of its key to store the case. */
const REPLAY_WAIT_MS = [25, 50, 100, 200, 400, 800, 1600];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Claims a fresh reference, trying again on the rare collision. */
async function claimFreshReference(cases: CaseStore, caseId: string, now: Date, first?: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const reference = attempt === 0 && first ? first : newReference(now);
    if (await cases.claimReference(reference, caseId)) return reference;
  }
  throw new Error('could not claim a unique reference');
}

/** Who is submitting: the partner's key, or a solved challenge of the Hub's form. Refuses anyone else with 401. */
async function authenticate(
  deps: SubmitDeps,
  partner: Partner,
  request: SubmitRequest,
  solution: unknown,
): Promise<{ channel: 'api'; keyId: string } | { channel: 'form'; challenge: { id: string; expiresAt: number } }> {
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

/** Spends the challenge, claims the reference and stores the case with its first effects. */
async function storeCase(
  deps: SubmitDeps,
  args: {
    caller: Awaited<ReturnType<typeof authenticate>>;
    partner: Partner;
    data: CaseInput;
    caseId: string;
    token: string;
    reference: string;
    now: Date;
    idempotencyKey?: string;
    scope: string;
  },
) {
  const { caller, partner, data, caseId, token, now } = args;
  if (caller.channel === 'form' && !(await deps.humanCheck.spend(caller.challenge.id, caller.challenge.expiresAt))) {
    throw Unauthorized.challengeFailed();
  }
  const reference = await claimFreshReference(deps.cases, caseId, now, args.reference);
  if (reference !== args.reference && args.idempotencyKey !== undefined) {
    await deps.idempotency.rebind(args.scope, args.idempotencyKey, caseId, reference);
  }
  const confirmed = caller.channel === 'api' || (await deps.confirmedContacts.isConfirmed(partner.id, data.contact.email));
  const confirmToken = confirmed ? undefined : newSecret();
  const effects = effectsFor({ startsWorkflow: deps.startsWorkflow, statusToken: token, confirmToken });
  const { created, record } = await deps.cases.create({
    id: caseId,
    reference,
    data,
    channel: caller.channel,
    statusTokenHash: hashSecret(token),
    ...(confirmToken ? { confirmTokenHash: hashSecret(confirmToken) } : {}),
    at: now.toISOString(),
    effects,
    effectsDueAt: new Date(now.getTime() + INLINE_GRACE_MS).toISOString(),
  });
  return { created, record, effects, confirmed };
}

/**
 * Accepts a case submission: checks the partner, origin, caller and data, binds the
 * Idempotency-Key, stores the case with its pending effects, then runs those effects. Once
 * `create` returns, the case is stored: later failures leave it in place with its effects
 * waiting in the outbox. Nothing is written for a refused request, nor for a replay.
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
    const id = newCaseId();
    return {
      outcome: 'discarded',
      id,
      reference: newReference(deps.now()),
      status: 'submitted',
      statusUrl: statusUrl(deps.publicBaseUrl, id, newSecret()),
      awaitingConfirmation: caller.channel === 'form',
    };
  }

  const validation = validateCase(payload, request.lang);
  if (!validation.ok) throw new ValidationFailed(validation.errors);
  const data = validation.value;
  checkContactDomain(partner, data, request.lang);

  const now = deps.now();
  // A partner's keys are its systems' own: a person through the form (anyone, in the end) never
  // shares their namespace, so nobody can claim a key the partner will send.
  const scope = caller.channel === 'api' ? partner.id : `form:${partner.id}`;
  let caseId = newCaseId(now.getTime());
  let token = newSecret();
  let reference = newReference(now);

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
    stored = await storeCase(deps, { caller, partner, data, caseId, token, reference, now, idempotencyKey: request.idempotencyKey, scope });
  } catch (error) {
    // Nothing was committed: let a retry with the same key take over at once rather than wait.
    if (request.idempotencyKey !== undefined) await deps.idempotency.release(scope, request.idempotencyKey, caseId, deps.now());
    throw error;
  }
  const { created, record, effects, confirmed } = stored;
  const at = now.toISOString();

  if (created) {
    deps.log.info('case stored', { caseId, reference: record.reference, partner: data.partner, kind: data.kind, channel: caller.channel, awaitingConfirmation: !confirmed });
    const entries = effects.map(({ effect, payload: effectPayload }) => ({
      key: deps.outbox.entryKey({ on: 'effect', caseId, effect }),
      caseId,
      effect,
      attempts: 0,
      dueAt: at,
      ...(effectPayload ? { payload: effectPayload } : {}),
    }));
    await runInline(entries, record, deps);
    if (caller.channel === 'api') await deps.partnerKeys.touch(partner.id, caller.keyId, now, LAST_USE_RESOLUTION_MS).catch(() => undefined);
  }
  return {
    outcome: created ? 'created' : 'replayed',
    id: caseId,
    reference: record.reference,
    status: 'submitted',
    statusUrl: statusUrl(deps.publicBaseUrl, caseId, token),
    awaitingConfirmation: record.awaitingConfirmation === true,
  };
}
