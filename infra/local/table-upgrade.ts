import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type GlobalSecondaryIndexDescription,
} from '@aws-sdk/client-dynamodb';

/**
 * Brings the table of a data folder made by an earlier version to the current definition. dynalite
 * cannot add an index to a table (its UpdateTable changes throughput only), so a table whose
 * indexes differ from the definition is rebuilt: its items are copied into a file of the folder,
 * the table is created again and the items written back; the file goes last. A start interrupted
 * midway finds the file and finishes the rebuild from it, so no item is lost.
 */

/** The copy of the items while the table is rebuilt, in the data folder. */
export const REBUILD_FILE = 'table-rebuild.json';

type Item = Record<string, AttributeValue>;

/** What decides whether two indexes are the same: name, keys and projection (its attributes as a set). */
function indexShape(index: GlobalSecondaryIndex | GlobalSecondaryIndexDescription): string {
  const projection = index.Projection ?? {};
  return JSON.stringify({
    name: index.IndexName,
    keys: (index.KeySchema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`),
    type: projection.ProjectionType ?? 'ALL',
    attributes: [...(projection.NonKeyAttributes ?? [])].sort(),
  });
}

const shapes = (indexes: readonly (GlobalSecondaryIndex | GlobalSecondaryIndexDescription)[] | undefined) => (indexes ?? []).map(indexShape).sort();

/** Binary attributes survive the file: JSON has no bytes, so they are written as base64. */
const replacer = (_key: string, value: unknown) => (value instanceof Uint8Array ? { $base64: Buffer.from(value).toString('base64') } : value);
const reviver = (_key: string, value: unknown) =>
  value && typeof value === 'object' && Object.keys(value).length === 1 && typeof (value as { $base64?: unknown }).$base64 === 'string'
    ? new Uint8Array(Buffer.from((value as { $base64: string }).$base64, 'base64'))
    : value;

/** Writes `text` to `path` and flushes it to the disk before returning. */
function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (a rename in it) to the disk, where the platform allows it. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; its renames are durable once they return.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function scanAll(client: DynamoDBClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

async function writeAll(client: DynamoDBClient, tableName: string, items: readonly Item[]): Promise<void> {
  for (let start = 0; start < items.length; start += 25) {
    let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) {
      const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = (answer.UnprocessedItems?.[tableName] ?? []).flatMap((request) => (request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : []));
    }
  }
}

/** Waits for dynalite to finish deleting or creating the table (it does so on a timer, even at 0 ms). */
async function until(client: DynamoDBClient, tableName: string, state: 'gone' | 'ACTIVE'): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (state === 'ACTIVE' && Table?.TableStatus === 'ACTIVE') return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      if (state === 'gone') return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the local table ${tableName} did not become ${state === 'gone' ? 'deleted' : 'active'}`);
}

/** Waits until the table is no longer being created (by this start's CreateTable), and answers its status. */
async function settledStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus !== 'CREATING') return Table?.TableStatus;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the local table ${tableName} did not become active`);
}

/** The shape of dynalite's record of a table that matters here. */
interface StoredTable {
  TableStatus?: string;
  GlobalSecondaryIndexes?: { IndexStatus?: string }[];
}

/**
 * dynalite answers CreateTable with the table CREATING and makes it ACTIVE on a timer: a start
 * killed in between leaves a table no request can use, delete or create again, and every later
 * start would fail. Before dynalite opens the folder (its lock says nobody else is in it), such a
 * table is made ACTIVE, as the timer would have: it holds no item, as nothing is written to a table
 * being created. (A table left DELETING needs nothing here: DeleteTable finishes it.)
 */
export async function finishTableCreation(databasePath: string, tableName: string): Promise<boolean> {
  // dynalite's own LevelDB module, so that the store is read as dynalite reads it.
  const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as {
    Level: new (path: string, options: { valueEncoding: 'json' }) => {
      open(): Promise<void>;
      get(key: string): Promise<StoredTable | undefined>;
      put(key: string, value: StoredTable): Promise<void>;
      close(): Promise<void>;
    };
  };
  const db = new Level(databasePath, { valueEncoding: 'json' });
  await db.open();
  try {
    const key = `table~${tableName}`;
    const table = await db.get(key);
    if (table?.TableStatus !== 'CREATING') return false;
    await db.put(key, { ...table, TableStatus: 'ACTIVE', ...(table.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((index) => ({ ...index, IndexStatus: 'ACTIVE' })) } : {}) });
    return true;
  } finally {
    await db.close();
  }
}

/**
 * Rebuilds the table of `dataDir` when its indexes are not those of `definition`, or when an
 * earlier rebuild was interrupted. Answers how many items were carried over, or undefined when
 * the table was already right.
 */
export async function upgradeLocalTable(client: DynamoDBClient, definition: CreateTableCommandInput, dataDir: string): Promise<number | undefined> {
  const tableName = definition.TableName!;
  const file = join(dataDir, REBUILD_FILE);
  // The table exists (the caller created it or found it), maybe still being created: it cannot be
  // deleted until then. Left DELETING, a start was killed midway through the rebuild, after the copy.
  const status = await settledStatus(client, tableName);
  let items: Item[];
  if (existsSync(file)) {
    items = JSON.parse(readFileSync(file, 'utf8'), reviver) as Item[];
  } else {
    if (status === 'DELETING') throw new Error(`the local table ${tableName} was left being deleted, with no copy of its items (${REBUILD_FILE}) in ${dataDir}`);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (JSON.stringify(shapes(Table?.GlobalSecondaryIndexes)) === JSON.stringify(shapes(definition.GlobalSecondaryIndexes))) return undefined;
    items = await scanAll(client, tableName);
    // Written whole, and on the disk, before it is named: a file under REBUILD_FILE always holds
    // every item, even after a power cut right after the table was deleted.
    writeDurably(`${file}.partial`, JSON.stringify(items, replacer));
    renameSync(`${file}.partial`, file);
    syncDirectory(dataDir);
  }
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await until(client, tableName, 'gone');
  await client.send(new CreateTableCommand(definition));
  await until(client, tableName, 'ACTIVE');
  await writeAll(client, tableName, items);
  rmSync(file);
  return items.length;
}
