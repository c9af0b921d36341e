import type { CaseStore } from '../store/case-store';
import type { IdempotencyStore } from '../store/idempotency-store';
import { HONEYPOT_FIELD, type Language } from './case';
import type { CaseStatus } from './case-record';
import { keys } from '../store/keys';
import { effectsFor, runInline, statusUrl, type EffectDeps } from './effects';
import { Forbidden, IdempotencyKeyReused, InvalidIdempotencyKey, ValidationFailed } from './errors';
import { fingerprint, hashSecret, newCaseId, newReference, newSecret } from './ids';
import { originAllowed } from './partners';
import { validateCase } from './validation';

export interface SubmitDeps extends EffectDeps {
  idempotency: IdempotencyStore;
  ownOrigin: string;
  /** Whether stored cases start the case-review workflow (a state machine is configured). */
  startsWorkflow: boolean;
}

export interface SubmitRequest {
  payload: Record<string, unknown>;
  lang: Language;
  origin?: string;
  idempotencyKey?: string;
}

export interface SubmitResult {
  /** `created`: a new case; `replayed`: the same request again; `discarded`: the honeypot was filled. */
  outcome: 'created' | 'replayed' | 'discarded';
  id: string;
  reference: string;
  status: CaseStatus;
  statusUrl: string;
}

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{8,128}$/;
/** Effects are run inline; the outbox picks up what is still pending after this long. */
const INLINE_GRACE_MS = 60_000;

/** Claims a fresh reference, trying again on the rare collision. */
async function claimFreshReference(cases: CaseStore, caseId: string, now: Date): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const reference = newReference(now);
    if (await cases.claimReference(reference, caseId)) return reference;
  }
  throw new Error('could not claim a unique reference');
}

/**
 * Accepts a case submission: checks the partner, origin and data, binds the Idempotency-Key,
 * stores the case with its pending effects, then runs those effects. Once `create` returns, the
 * case is stored: later failures leave it in place with its effects waiting in the outbox.
 */
export async function submitCase(deps: SubmitDeps, request: SubmitRequest): Promise<SubmitResult> {
  const { [HONEYPOT_FIELD]: honeypot, ...payload } = request.payload;
  const partnerId = payload.partner;
  const partner = typeof partnerId === 'string' ? deps.partners.get(partnerId) : undefined;
  if (typeof partnerId === 'string' && !partner) throw Forbidden.unknownPartner();
  if (partner && !originAllowed(partner, request.origin, deps.ownOrigin)) throw Forbidden.originNotAllowed(request.origin ?? '');
  if (request.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(request.idempotencyKey)) throw new InvalidIdempotencyKey();

  if (typeof honeypot === 'string' ? honeypot.trim() !== '' : honeypot !== undefined) {
    // Look accepted so that the bot learns nothing; store nothing.
    const id = newCaseId();
    return { outcome: 'discarded', id, reference: newReference(deps.now()), status: 'submitted', statusUrl: statusUrl(deps.publicBaseUrl, id, newSecret()) };
  }

  const validation = validateCase(payload, request.lang);
  if (!validation.ok) throw new ValidationFailed(validation.errors);
  const data = validation.value;

  const now = deps.now();
  let caseId = newCaseId(now.getTime());
  let token = newSecret();
  let reference = await claimFreshReference(deps.cases, caseId, now);
  let outcome: SubmitResult['outcome'] = 'created';

  if (request.idempotencyKey !== undefined) {
    const candidate = {
      fingerprint: fingerprint(data),
      caseId,
      reference,
      statusToken: token,
      expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    };
    const { fresh, record } = await deps.idempotency.reserve(data.partner, request.idempotencyKey, candidate, now);
    if (!fresh) {
      if (record.fingerprint !== candidate.fingerprint) throw new IdempotencyKeyReused();
      ({ caseId, reference, statusToken: token } = record);
      outcome = 'replayed';
    }
  }

  const at = now.toISOString();
  const effects = effectsFor(deps.startsWorkflow, token);
  const { created, record } = await deps.cases.create({
    id: caseId,
    reference,
    data,
    statusTokenHash: hashSecret(token),
    at,
    effects,
    effectsDueAt: new Date(now.getTime() + INLINE_GRACE_MS).toISOString(),
  });

  if (created) {
    deps.log.info('case stored', { caseId, reference, partner: data.partner, kind: data.kind });
    const entries = effects.map(({ effect, payload: effectPayload }) => ({
      key: keys.outbox(caseId, effect),
      caseId,
      effect,
      attempts: 0,
      dueAt: at,
      ...(effectPayload ? { payload: effectPayload } : {}),
    }));
    await runInline(entries, record, deps);
  } else {
    outcome = 'replayed';
  }
  return { outcome, id: caseId, reference, status: 'submitted', statusUrl: statusUrl(deps.publicBaseUrl, caseId, token) };
}
