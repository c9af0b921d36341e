import { randomBytes } from 'node:crypto';
import { hashSecret, secretMatches } from '../core/ids';

/**
 * Partner API keys: `hub_<partner>_<keyId>_<secret>`. The partner and key id are public parts that
 * find the key's record in one read; the secret is 256 random bits of which only the SHA-256 is
 * stored. A key is shown once, when it is created.
 */
const KEY_PATTERN = /^hub_([a-z0-9-]{2,64})_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Live keys a partner may hold at once: the current one and its successor during a rotation. */
export const MAX_LIVE_KEYS = 2;

export interface PartnerKeyRecord {
  partner: string;
  keyId: string;
  secretHash: string;
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
  /** Who or what the key is for, as ops wrote it. */
  label?: string;
}

/** Parses a presented key into its parts; undefined when it is not shaped like one of ours. */
export function parseKey(key: string): { partner: string; keyId: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key.trim());
  if (!match) return undefined;
  const [, partner = '', keyId = '', secret = ''] = match;
  return { partner, keyId, secret };
}

/** The bearer token of an `Authorization` header; undefined when there is none or it is not a bearer one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** A fresh key for a partner: the text to hand over once, and the record to store. */
export function mintKey(partner: string, now: Date, label?: string): { key: string; record: PartnerKeyRecord } {
  const keyId = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return {
    key: `hub_${partner}_${keyId}_${secret}`,
    record: { partner, keyId, secretHash: hashSecret(secret), createdAt: now.toISOString(), ...(label ? { label } : {}) },
  };
}

/** Whether a stored record accepts the presented secret: not revoked, and the hash matches in constant time. */
export function keyAccepts(record: PartnerKeyRecord | undefined, secret: string): record is PartnerKeyRecord {
  return record !== undefined && record.revokedAt === undefined && secretMatches(secret, record.secretHash);
}

/** What key management needs of the store (the DynamoDB partner-key store implements it). */
export interface PartnerKeys {
  get(partner: string, keyId: string): Promise<PartnerKeyRecord | undefined>;
  list(partner: string): Promise<PartnerKeyRecord[]>;
  /** Stores a new key; false if one with that id exists already. */
  put(record: PartnerKeyRecord): Promise<boolean>;
  /** Marks a key revoked; false when there is no such key or it was revoked already. */
  revoke(partner: string, keyId: string, at: string): Promise<boolean>;
  /** Records that the key was used, at most once per `resolutionMs`, so that submissions do not all write. */
  touch(partner: string, keyId: string, at: Date, resolutionMs: number): Promise<void>;
}

export class TooManyLiveKeys extends Error {
  constructor(readonly live: PartnerKeyRecord[]) {
    super(`partner ${live[0]?.partner} already has ${live.length} live keys`);
    this.name = 'TooManyLiveKeys';
  }
}

/**
 * Creates a key for a partner. A partner holds at most {@link MAX_LIVE_KEYS} live keys: to rotate,
 * create the new key, move the systems to it, then revoke the old one. `replaceOldest` revokes the
 * oldest live key first when the limit is reached (for scripts and local demos).
 */
export async function createPartnerKey(
  store: PartnerKeys,
  partner: string,
  now: Date,
  options: { label?: string; replaceOldest?: boolean } = {},
): Promise<{ key: string; record: PartnerKeyRecord; revoked: string[] }> {
  const live = (await store.list(partner)).filter((record) => !record.revokedAt).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const revoked: string[] = [];
  if (live.length >= MAX_LIVE_KEYS) {
    if (!options.replaceOldest) throw new TooManyLiveKeys(live);
    for (const old of live.slice(0, live.length - MAX_LIVE_KEYS + 1)) {
      if (await store.revoke(partner, old.keyId, now.toISOString())) revoked.push(old.keyId);
    }
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const minted = mintKey(partner, now, options.label);
    if (await store.put(minted.record)) return { ...minted, revoked };
  }
  throw new Error('could not store a new key');
}

/** How often the last use of a key is written: a submission does not pay a write for it each time. */
export const LAST_USE_RESOLUTION_MS = 60 * 60 * 1000;

/**
 * The partner a bearer key authenticates, checked against the partner the submission names.
 * `invalid`: unknown, malformed or revoked; `other-partner`: a valid key of someone else.
 */
export async function authenticateKey(
  store: PartnerKeys,
  token: string,
  claimedPartner: string,
): Promise<{ ok: true; record: PartnerKeyRecord } | { ok: false; reason: 'invalid' | 'other-partner' }> {
  const parts = parseKey(token);
  if (!parts) return { ok: false, reason: 'invalid' };
  const record = await store.get(parts.partner, parts.keyId);
  if (!keyAccepts(record, parts.secret)) return { ok: false, reason: 'invalid' };
  if (record.partner !== claimedPartner) return { ok: false, reason: 'other-partner' };
  return { ok: true, record };
}

/**
 * How long a function instance trusts a live key it has read: within this, a partner's warm
 * submissions cost no read of their key, and a revoked key stops working everywhere. API
 * Gateway's own authorizer cache holds answers five times as long by default.
 */
export const KEY_CACHE_MS = 60_000;

/**
 * `store` with its live records remembered for {@link KEY_CACHE_MS}: `get` answers a record read
 * within that time from memory. Only live records are kept (an unknown or revoked key is read
 * every time), and the secret is checked against the record on every use as before.
 */
export function withKeyCache(store: PartnerKeys, now: () => number = Date.now, ttlMs = KEY_CACHE_MS): PartnerKeys {
  const cache = new Map<string, { record: PartnerKeyRecord; until: number }>();
  return {
    ...store,
    async get(partner, keyId) {
      const name = `${partner}/${keyId}`;
      const cached = cache.get(name);
      if (cached && cached.until > now()) return cached.record;
      const record = await store.get(partner, keyId);
      if (record && !record.revokedAt) {
        // A bounded map: a partner holds two live keys, so this stays small unless keys churn.
        if (cache.size >= 1000) cache.clear();
        cache.set(name, { record, until: now() + ttlMs });
      } else cache.delete(name);
      return record;
    },
    async revoke(partner, keyId, at) {
      cache.delete(`${partner}/${keyId}`);
      return store.revoke(partner, keyId, at);
    },
  };
}
