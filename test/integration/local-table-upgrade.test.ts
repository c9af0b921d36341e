import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterEach, describe, expect, it } from 'vitest';
import { localCredentials } from '../../shared/adapters/dynamodb/clients';
import { INDEX, keys } from '../../shared/adapters/dynamodb/keys';
import { startDynamo } from '../../infra/local/emulators';
import { LOCAL_TABLE, localTableDefinition } from '../../infra/local/table';
import { REBUILD_FILE } from '../../infra/local/table-upgrade';
import { RETIRED_STATUS_INDEX } from '../../infra/stacks/stateful-stack';

/** The table as a data folder of the version before held it: the byStatus index of then, nothing of today's. */
function earlierDefinition() {
  const current = localTableDefinition(LOCAL_TABLE);
  return {
    ...current,
    GlobalSecondaryIndexes: current.GlobalSecondaryIndexes!.map((index) =>
      index.IndexName === INDEX.byStatus
        ? { ...index, IndexName: RETIRED_STATUS_INDEX.name, Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...RETIRED_STATUS_INDEX.nonKeyAttributes] } }
        : index,
    ),
  };
}

const approvedCase = (id: string) => ({
  ...Object.fromEntries(Object.entries({ ...keys.case(id), ...keys.byStatus('approved', '2026-03-02T10:00:00.000Z', id) }).map(([name, value]) => [name, { S: value }])),
  id: { S: id },
  kind: { S: 'telex' },
  targetPopulation: { L: [{ S: 'frail-elderly' }] },
  medicalDevice: { S: 'class-iia' },
  contact: { M: { email: { S: 'maria.rossi@example.org' } } },
  token: { B: new Uint8Array([0, 1, 2, 255]) },
});

/** A data folder as the earlier version left it: its table, with the given items. */
async function earlierFolder(dir: string, ids: string[] | 'no table'): Promise<void> {
  const many = Array.isArray(ids) && ids.length > 100;
  const server = dynalite({ path: join(dir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (ids === 'no table') return new Promise<void>((resolve) => server.close(() => resolve()));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'eu-south-1', credentials: localCredentials });
  await client.send(new CreateTableCommand(earlierDefinition()));
  // dynalite makes a table active on a timer: closed before, the folder would keep a table being created.
  while ((await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }))).Table?.TableStatus !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 5));
  if (many) {
    for (let start = 0; start < ids.length; start += 25) {
      await client.send(new BatchWriteItemCommand({ RequestItems: { [LOCAL_TABLE]: ids.slice(start, start + 25).map((id) => ({ PutRequest: { Item: approvedCase(id) } })) } }));
    }
  } else for (const id of ids) await client.send(new PutItemCommand({ TableName: LOCAL_TABLE, Item: approvedCase(id) }));
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function withTable<T>(dir: string, use: (client: DynamoDBClient) => Promise<T>): Promise<T> {
  const dynamo = await startDynamo(dir, LOCAL_TABLE);
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-south-1', credentials: localCredentials });
  try {
    return await use(client);
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

const approvedIds = async (client: DynamoDBClient) => {
  const page = await client.send(
    new QueryCommand({ TableName: LOCAL_TABLE, IndexName: INDEX.byStatus, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': { S: keys.statusPartition('approved') } } }),
  );
  return page.Items ?? [];
};

describe('a data folder of an earlier version', () => {
  it('gets the current indexes at start, with every item carried over and the new attributes projected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-upgrade-'));
    folders.push(dir);
    const ids = Array.from({ length: 30 }, (_, i) => `01JUPGRADE${String(i).padStart(16, '0')}`);
    await earlierFolder(dir, ids);

    await withTable(dir, async (client) => {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([INDEX.byPerson, INDEX.byStatus, INDEX.outbox].sort());
      const found = await approvedIds(client);
      expect(found.map((item) => item.id?.S).sort()).toEqual(ids);
      expect(found[0]).toMatchObject({ targetPopulation: { L: [{ S: 'frail-elderly' }] }, medicalDevice: { S: 'class-iia' } });
      // Not projected: contact data stays out of the index, as on AWS.
      expect(found[0]).not.toHaveProperty('contact');
      const { pk, sk } = keys.case(ids[0]!);
      const whole = await client.send(new GetItemCommand({ TableName: LOCAL_TABLE, Key: { pk: { S: pk }, sk: { S: sk } } }));
      expect(whole.Item?.contact).toEqual({ M: { email: { S: 'maria.rossi@example.org' } } });
      expect([...(whole.Item?.token?.B ?? [])]).toEqual([0, 1, 2, 255]);
    });
    expect(existsSync(join(dir, REBUILD_FILE))).toBe(false);

    // The next start finds the table as it should be and leaves it alone.
    await withTable(dir, async (client) => expect((await approvedIds(client)).length).toBe(ids.length));
  });

  it.each([
    ['before the old table was deleted', [] as string[]],
    ['once the old table was deleted', 'no table' as const],
  ])('finishes a rebuild interrupted %s, from the copy of the items the folder keeps', async (_when, earlier) => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-upgrade-'));
    folders.push(dir);
    await earlierFolder(dir, earlier);
    // As if the start before had copied the items and stopped before writing them back.
    const copy = [approvedCase('01JUPGRADEINTERRUPTED00001')].map((item) => ({ ...item, token: { B: { $base64: Buffer.from([0, 1, 2, 255]).toString('base64') } } }));
    writeFileSync(join(dir, REBUILD_FILE), JSON.stringify(copy));

    await withTable(dir, async (client) => {
      const found = await approvedIds(client);
      expect(found.map((item) => item.id?.S)).toEqual(['01JUPGRADEINTERRUPTED00001']);
    });
    expect(existsSync(join(dir, REBUILD_FILE))).toBe(false);
  });

  it('loses no item when the start that rebuilds is killed at any moment, and the next start finishes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-upgrade-'));
    folders.push(dir);
    const ids = Array.from({ length: 2000 }, (_, i) => `01JUPGRADEKILLED${String(i).padStart(10, '0')}`);
    await earlierFolder(dir, ids);
    // Starts killed (SIGKILL: nothing runs after it) later and later after they were spawned, until
    // one finishes: some before the rebuild, some while the copy is written, the old table goes or
    // the items are written back. At least one must have been killed with the copy named.
    let killedMidway = 0;
    for (let delayMs = 500; ; delayMs = Math.round(delayMs * 1.25)) {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import('./infra/local/emulators.ts').then((m) => m.startDynamo(${JSON.stringify(dir)}, ${JSON.stringify(LOCAL_TABLE)})).then(() => console.log('started'))`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += String(chunk)));
      child.stderr.on('data', (chunk) => (output += String(chunk)));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const timer = setTimeout(() => {
        if (existsSync(join(dir, REBUILD_FILE))) killedMidway += 1;
        child.kill('SIGKILL');
      }, delayMs);
      await Promise.race([exited, new Promise<void>((resolve) => child.stdout.on('data', () => output.includes('started') && resolve()))]);
      if (output.includes('started')) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        await exited;
        break;
      }
      await exited;
      expect(delayMs, output).toBeLessThan(20_000);
    }
    expect(killedMidway).toBeGreaterThan(0);
    await withTable(dir, async (client) => {
      const all: string[] = [];
      let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({ TableName: LOCAL_TABLE, IndexName: INDEX.byStatus, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': { S: keys.statusPartition('approved') } }, ExclusiveStartKey: start }),
        );
        all.push(...(page.Items ?? []).map((item) => item.id!.S!));
        start = page.LastEvaluatedKey;
      } while (start);
      expect(all.sort()).toEqual(ids);
    });
    expect(existsSync(join(dir, REBUILD_FILE))).toBe(false);
  }, 120_000);

  it.each(['CREATING', 'DELETING'] as const)('starts on a folder whose table a killed start left %s, with every item of the copy', async (left) => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-upgrade-'));
    folders.push(dir);
    // dynalite changes a table's status on a timer after answering: closed before it runs, the folder keeps the table half-way.
    const server = dynalite({ path: join(dir, 'dynamodb'), createTableMs: left === 'CREATING' ? 600_000 : 0, deleteTableMs: 600_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'eu-south-1', credentials: localCredentials });
    await client.send(new CreateTableCommand(left === 'CREATING' ? localTableDefinition(LOCAL_TABLE) : earlierDefinition()));
    if (left === 'DELETING') {
      while ((await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }))).Table?.TableStatus !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 5));
      await client.send(new PutItemCommand({ TableName: LOCAL_TABLE, Item: approvedCase('01JUPGRADELEFTDELETING0001') }));
      await client.send(new DeleteTableCommand({ TableName: LOCAL_TABLE }));
    }
    expect((await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }))).Table?.TableStatus).toBe(left);
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // The copy the rebuild had named before it deleted the table (none when the very first start was killed creating it).
    if (left === 'DELETING') writeFileSync(join(dir, REBUILD_FILE), JSON.stringify([approvedCase('01JUPGRADELEFTDELETING0001')].map((item) => ({ ...item, token: { B: { $base64: 'AAEC/w==' } } }))));

    await withTable(dir, async (started) => {
      expect((await started.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }))).Table?.TableStatus).toBe('ACTIVE');
      expect((await approvedIds(started)).map((item) => item.id?.S)).toEqual(left === 'DELETING' ? ['01JUPGRADELEFTDELETING0001'] : []);
      // Usable: a write and its read.
      await started.send(new PutItemCommand({ TableName: LOCAL_TABLE, Item: approvedCase('01JUPGRADEAFTERWARDS000001') }));
      expect((await approvedIds(started)).length).toBe(left === 'DELETING' ? 2 : 1);
    });
    expect(existsSync(join(dir, REBUILD_FILE))).toBe(false);
  });
});
