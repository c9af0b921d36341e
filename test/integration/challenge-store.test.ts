import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo, type Emulator } from '../../infra/local/emulators';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createChallengeStore, type ChallengeStore } from '../../shared/adapters/dynamodb/challenge-store';
import { keys } from '../../shared/adapters/dynamodb/keys';

const TABLE = 'challenges';
let dynamo: Emulator;
let store: ChallengeStore;
let doc: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  dynamo = await startDynamo('memory', TABLE);
  doc = createDocumentClient(dynamo.endpoint);
  store = createChallengeStore(doc, TABLE);
});
afterAll(async () => {
  await dynamo?.close();
});

const uniqueId = () => `test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
const expiresAt = () => Math.floor(Date.now() / 1000) + 1800;

describe('the store of spent challenges', () => {
  it('spends a challenge once: true the first time, false on every replay', async () => {
    const id = uniqueId();
    expect(await store.spend(id, expiresAt())).toBe(true);
    expect(await store.spend(id, expiresAt())).toBe(false);
    expect(await store.spend(id, expiresAt())).toBe(false);
  });

  it('keeps challenges apart', async () => {
    expect(await store.spend(uniqueId(), expiresAt())).toBe(true);
    expect(await store.spend(uniqueId(), expiresAt())).toBe(true);
  });

  it('lets exactly one of many simultaneous posts of one challenge through', async () => {
    const id = uniqueId();
    const results = await Promise.all(Array.from({ length: 12 }, () => store.spend(id, expiresAt())));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('writes the challenge expiry as the item TTL', async () => {
    const id = uniqueId();
    const at = expiresAt();
    await store.spend(id, at);
    const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: keys.challenge(id) }));
    expect(Item).toEqual({ ...keys.challenge(id), type: 'challenge', expiresAt: at });
  });
});
