import { describe, expect, it } from 'vitest';
import { mintKey, withKeyCache, type PartnerKeyRecord, type PartnerKeys } from '../../shared/app/partner-keys';

/** A key store in memory that counts its reads. */
function countingStore(records: PartnerKeyRecord[]) {
  const reads = { count: 0 };
  const store: PartnerKeys = {
    async get(partner, keyId) {
      reads.count += 1;
      return records.find((record) => record.partner === partner && record.keyId === keyId);
    },
    list: async () => records,
    put: async () => true,
    async revoke(partner, keyId, at) {
      const record = records.find((r) => r.partner === partner && r.keyId === keyId);
      if (!record || record.revokedAt) return false;
      record.revokedAt = at;
      return true;
    },
    touch: async () => undefined,
  };
  return { store, reads };
}

describe('the key cache of a function instance', () => {
  const live = mintKey('humanitas', new Date('2026-01-01T00:00:00Z')).record;

  it('reads a live key once a minute, not once a submission', async () => {
    const { store, reads } = countingStore([{ ...live }]);
    let now = 0;
    const cached = withKeyCache(store, () => now);
    for (let i = 0; i < 5; i++) expect(await cached.get('humanitas', live.keyId)).toMatchObject({ keyId: live.keyId });
    expect(reads.count).toBe(1);
    now = 60_001;
    await cached.get('humanitas', live.keyId);
    expect(reads.count).toBe(2);
  });

  it('never keeps an unknown or revoked key, and forgets a key it revokes itself at once', async () => {
    const records = [{ ...live }];
    const { store, reads } = countingStore(records);
    const cached = withKeyCache(store, () => 0);
    expect(await cached.get('humanitas', 'nosuchkey000')).toBeUndefined();
    expect(await cached.get('humanitas', 'nosuchkey000')).toBeUndefined();
    expect(reads.count).toBe(2);
    await cached.get('humanitas', live.keyId);
    expect(await cached.revoke('humanitas', live.keyId, '2026-01-02T00:00:00.000Z')).toBe(true);
    expect(await cached.get('humanitas', live.keyId)).toMatchObject({ revokedAt: '2026-01-02T00:00:00.000Z' });
    expect(await cached.get('humanitas', live.keyId)).toMatchObject({ revokedAt: '2026-01-02T00:00:00.000Z' });
    expect(reads.count).toBe(5);
  });
});
