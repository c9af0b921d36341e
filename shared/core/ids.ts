import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function crockford(bytes: Uint8Array, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/**
 * A time-ordered id (48-bit milliseconds, then 80 random bits, 26 Crockford base32 characters: a
 * ULID), as cases had before their id came from their reference ({@link caseIdFor}); for ids
 * that name no reference, such as test and bench items.
 */
export function newCaseId(now = Date.now()): string {
  let time = '';
  for (let rest = Math.floor(now), i = 0; i < 10; i++, rest = Math.floor(rest / 32)) {
    time = CROCKFORD[rest % 32] + time;
  }
  return time + crockford(randomBytes(10), 16);
}

export const CASE_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * The id of the case with this reference: a digest, so that a reference is taken exactly when
 * its case's id is, and one conditional write of the case item keeps references unique.
 */
export function caseIdFor(reference: string): string {
  return crockford(createHash('sha256').update(`case:${reference}`, 'utf8').digest().subarray(0, 17), 26);
}

/**
 * The reference of a case sent with a solved form challenge, by attempt: the same challenge gives
 * the same first reference, so a replayed challenge meets its own case at the same key.
 */
export function referenceFromSeed(now: Date, seed: string, attempt: number): string {
  const digest = createHash('sha256').update(`reference:${seed}:${attempt}`, 'utf8').digest();
  return `HUB-${now.getUTCFullYear()}-${crockford(digest.subarray(0, 4), 6)}`;
}

/** A reference people can read out on the phone: `HUB-2026-7K3F9Q` (30 random bits; kept unique by the key of its case, see {@link caseIdFor}). */
export function newReference(now = new Date()): string {
  return `HUB-${now.getUTCFullYear()}-${crockford(randomBytes(4), 6)}`;
}

/** An unguessable secret for a link: 256 random bits, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a link secret: only its SHA-256 is kept, so a table dump opens nothing. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string | undefined | null, storedHash: string | undefined): boolean {
  if (!secret || !storedHash || secret.length > 256) return false;
  const presented = Buffer.from(hashSecret(secret));
  const stored = Buffer.from(storedHash);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** A stable fingerprint of a request body, for idempotency checks. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sealingKey = ({ secret, context }: { secret: string; context: string }) =>
  Buffer.from(hkdfSync('sha256', secret, context, 'hub-intake sealed link secret', 32));

/**
 * Encrypts a link secret under a key derived from another secret the caller holds (an
 * Idempotency-Key), so that the stored form opens nothing without it. AES-256-GCM.
 */
export function seal(plaintext: string, key: { secret: string; context: string }): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(key), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
}

/** Opens what {@link seal} made with the same key; undefined when the key or the text is wrong. */
export function openSealed(sealed: string, key: { secret: string; context: string }): string | undefined {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !body || iv.length !== 12 || tag.length !== 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(key), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Whether a presented secret opens a case's status: its first link's, or one sent in a later mail. */
export function statusLinkMatches(token: string | undefined, record: { statusTokenHash: string; statusLinkHashes?: readonly string[] }): boolean {
  return [record.statusTokenHash, ...(record.statusLinkHashes ?? [])].some((hash) => secretMatches(token, hash));
}
