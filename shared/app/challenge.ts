import { createHash } from 'node:crypto';
import { createChallenge as createAltchaChallenge, randomInt, verifySolution as verifyAltchaSolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import * as z from 'zod';

/**
 * The proof-of-work challenge of the Hub's own form: ALTCHA's PoW v2 protocol (the one its
 * current widget speaks). The browser runs PBKDF2/SHA-256 through Web Crypto, natively, so a
 * bot on its own hardware saves little over a person's browser; it pays the same work per post.
 *
 * The challenge's signed parameters carry the partner (`data.partner`) and the expiry
 * (`expiresAt`), so neither can be changed without breaking the signature.
 */

/** The form field the widget posts its payload in (ALTCHA's default); not a case field. */
export const CHALLENGE_FIELD = 'altcha';

export const CHALLENGE_ALGORITHM = 'PBKDF2/SHA-256';

/**
 * PBKDF2 iterations per attempt, and the largest counter. The server picks the counter in
 * [maxNumber/2, maxNumber] and the browser tries counters from 0, so a solve costs on average
 * 0.75 × maxNumber × cost iterations (13.5 million: about a second in a laptop's browser).
 */
export const CHALLENGE_COST = 3_000;
export const CHALLENGE_MAX_NUMBER = 6_000;

/** Long enough to fill in the form after the widget solved at load; a solve stays single use. */
export const CHALLENGE_EXPIRES_IN_SECONDS = 30 * 60;

/** Longer than any payload the widget makes (about 1 KB): anything bigger is not ours. */
export const MAX_PAYLOAD_LENGTH = 4_096;

/** The challenge JSON the widget fetches. */
export interface Challenge {
  parameters: {
    algorithm: string;
    nonce: string;
    salt: string;
    cost: number;
    keyLength: number;
    keyPrefix: string;
    expiresAt: number;
    data: { partner: string };
  };
  signature: string;
}

export interface CreateChallengeInput {
  partnerId: string;
  now: Date;
  hmacKey: string;
  maxNumber?: number;
  cost?: number;
  expiresInSeconds?: number;
}

/** A signed challenge for one partner's form, expiring `expiresInSeconds` after `now`. */
export async function createChallenge(input: CreateChallengeInput): Promise<Challenge> {
  const { partnerId, now, hmacKey, maxNumber = CHALLENGE_MAX_NUMBER, cost = CHALLENGE_COST, expiresInSeconds = CHALLENGE_EXPIRES_IN_SECONDS } = input;
  const challenge = await createAltchaChallenge({
    algorithm: CHALLENGE_ALGORITHM,
    cost,
    counter: randomInt(maxNumber, Math.ceil(maxNumber / 2)),
    deriveKey,
    data: { partner: partnerId },
    expiresAt: Math.floor(now.getTime() / 1000) + expiresInSeconds,
    hmacSignatureSecret: hmacKey,
  });
  return challenge as Challenge;
}

export type ChallengeRejection = 'missing' | 'malformed' | 'invalid' | 'expired' | 'wrong-partner';

export type ChallengeVerdict =
  /** `id` names the challenge, for spending it once; `expiresAt` (epoch seconds) is when it would lapse anyway. */
  | { ok: true; id: string; expiresAt: number }
  | { ok: false; reason: ChallengeRejection };

const hex = z.string().regex(/^(?:[0-9a-f]{2})+$/);

/** The widget's payload. Loose objects: the signature covers the parameters exactly as sent. */
const Payload = z.object({
  challenge: z.looseObject({
    parameters: z.looseObject({
      algorithm: z.literal(CHALLENGE_ALGORITHM),
      nonce: hex,
      salt: hex,
      cost: z.number().int().positive(),
      keyLength: z.number().int().positive(),
      keyPrefix: hex,
      expiresAt: z.number().int().positive(),
      data: z.strictObject({ partner: z.string() }),
    }),
    signature: hex,
  }),
  solution: z.looseObject({ counter: z.number().int().min(0), derivedKey: hex }),
});

function decode(payload: string): z.infer<typeof Payload> | undefined {
  if (payload.length > MAX_PAYLOAD_LENGTH || !/^[A-Za-z0-9+/]+={0,2}$/.test(payload)) return undefined;
  try {
    const parsed = Payload.safeParse(JSON.parse(Buffer.from(payload, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface VerifySolutionInput {
  /** The `altcha` field of the post, as sent. */
  payload: unknown;
  partnerId: string;
  now: Date;
  hmacKey: string;
}

/**
 * Checks a solved challenge: ours (signature), solved (the derived key), not expired at `now`,
 * and issued for `partnerId`. Spending it once is the caller's part (`ChallengeStore.spend`).
 */
export async function verifySolution(input: VerifySolutionInput): Promise<ChallengeVerdict> {
  const { payload, partnerId, now, hmacKey } = input;
  if (payload === undefined || payload === null || payload === '') return { ok: false, reason: 'missing' };
  if (typeof payload !== 'string') return { ok: false, reason: 'malformed' };
  const decoded = decode(payload);
  if (!decoded) return { ok: false, reason: 'malformed' };
  const { challenge, solution } = decoded;
  const expiresAt = challenge.parameters.expiresAt;
  // The library checks the signature, the derived key and the expiry by the wall clock (before
  // the signature, so a forged challenge already past its time reads as expired: refused alike).
  const result = await verifyAltchaSolution({ challenge, solution, deriveKey, hmacSignatureSecret: hmacKey }).catch(() => undefined);
  if (result?.expired) return { ok: false, reason: 'expired' };
  if (!result?.verified) return { ok: false, reason: 'invalid' };
  if (expiresAt * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  if (challenge.parameters.data.partner !== partnerId) return { ok: false, reason: 'wrong-partner' };
  return { ok: true, id: challengeId(challenge.signature), expiresAt };
}

/** A stable name of a challenge: its signature is unique (random nonce and salt) and unforgeable. */
const challengeId = (signature: string) => createHash('sha256').update(signature).digest('base64url');

/**
 * The form's proof of work as the submission sees it: ALTCHA's verification under the stage's
 * key. Without a key no challenge was ever handed out, so none can be valid.
 */
export function createHumanCheck(hmacKey: string | undefined): { verify(solution: string, partnerId: string, now: Date): Promise<ChallengeVerdict | { ok: false; reason: 'not-configured' }> } {
  return {
    async verify(solution, partnerId, now) {
      if (!hmacKey) return { ok: false, reason: 'not-configured' };
      return verifySolution({ payload: solution, partnerId, now, hmacKey });
    },
  };
}
