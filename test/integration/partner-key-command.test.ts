import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo } from '../../infra/local/emulators';
import { LOCAL_TABLE } from '../../infra/local/table';
import { authenticateKey } from '../../shared/app/partner-keys';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPartnerKeyStore } from '../../shared/adapters/dynamodb/partner-key-store';

const run = promisify(execFile);
let dataDir: string;

/** `npm run partner-key -- ...` on a data folder of its own; resolves with what it printed and its exit code. */
async function partnerKey(...args: string[]) {
  try {
    const { stdout, stderr } = await run(join('node_modules', '.bin', 'tsx'), ['infra/ops/partner-key.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, TABLE_NAME: '', STAGE: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Whether a key opens the door, read from the same data folder. */
async function accepted(key: string, partner: string) {
  const dynamo = await startDynamo(dataDir, LOCAL_TABLE);
  const doc = createDocumentClient(dynamo.endpoint);
  try {
    return (await authenticateKey(createPartnerKeyStore(doc, LOCAL_TABLE), key, partner)).ok;
  } finally {
    doc.destroy();
    await dynamo.close();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'partner-key-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm run partner-key', () => {
  it('creates keys shown once, two live at most, lists them without secrets, and revokes them', async () => {
    const first = await partnerKey('create', '--partner', 'humanitas', '--label', 'CRM');
    expect(first.code).toBe(0);
    const key1 = first.stdout.match(/hub_humanitas_\S+/)?.[0] ?? '';
    expect(key1).toMatch(/^hub_humanitas_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const key2 = (await partnerKey('create', '--partner', 'humanitas')).stdout.match(/hub_humanitas_\S+/)?.[0] ?? '';
    expect(key2).not.toBe(key1);

    const third = await partnerKey('create', '--partner', 'humanitas');
    expect(third.code).toBe(1);
    expect(third.stderr).toContain('already has 2 live keys');

    const list = await partnerKey('list', '--partner', 'humanitas');
    const secret = key1.split('_').at(-1) ?? '';
    expect(list.stdout).not.toContain(secret);
    const keyId1 = key1.split('_')[2] ?? '';
    expect(list.stdout).toMatch(new RegExp(`${keyId1}\\s+live\\s+created \\S+\\s+last used never\\s+\\(CRM\\)`));

    expect(await accepted(key1, 'humanitas')).toBe(true);
    expect(await accepted(key1, 'ieo')).toBe(false);
    expect((await partnerKey('revoke', '--partner', 'humanitas', '--key', keyId1)).code).toBe(0);
    expect(await accepted(key1, 'humanitas')).toBe(false);
    expect(await accepted(key2, 'humanitas')).toBe(true);
    expect((await partnerKey('list', '--partner', 'humanitas')).stdout).toMatch(new RegExp(`${keyId1}\\s+revoked`));
    // With one key revoked, a successor can be made: the rotation.
    expect((await partnerKey('create', '--partner', 'humanitas')).code).toBe(0);
  }, 120_000);

  it('refuses an unknown partner, a missing key id and an unknown command with a clear line', async () => {
    const unknown = await partnerKey('create', '--partner', 'acme');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown partner "acme"');
    expect((await partnerKey('revoke', '--partner', 'humanitas')).stderr).toContain('usage: npm run partner-key');
    expect((await partnerKey('delete', '--partner', 'humanitas')).code).toBe(2);
  }, 60_000);
});
