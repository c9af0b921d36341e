import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createRequire } from 'node:module';
import { localCredentials } from '../../shared/adapters/dynamodb/clients';
import { localTableDefinition } from './table';
import { finishTableCreation, upgradeLocalTable } from './table-upgrade';
import { tapWrites } from './stream';

// aws-ses-v2-local is CommonJS with an ES default export; require() reads it the same way under every loader.
const require = createRequire(import.meta.url);
const { default: sesServer } = require('aws-ses-v2-local') as typeof import('aws-ses-v2-local');
const { clearStore, getStoreReadonly } = require('aws-ses-v2-local/dist/store.js') as typeof import('aws-ses-v2-local/dist/store.js');
type StoredEmail = ReturnType<typeof getStoreReadonly>['emails'][number];

export interface Emulator {
  endpoint: string;
  close(): Promise<void>;
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });

const listen = (server: Server) =>
  new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });

/** Who holds a data folder: the process, and the URL of its runtime once it listens. */
export interface DataDirHolder {
  pid?: number;
  url?: string;
}

/**
 * The data folder is held by another process: a running `npm start` (its lock file names it),
 * this process, or a program that holds the database's own lock. `message` says what to do when
 * starting a runtime; an ops command says its own (see `infra/ops/data-dir.ts`).
 */
export class DataDirInUse extends Error {
  override readonly name = 'DataDirInUse';
  constructor(
    readonly dir: string,
    readonly holder: DataDirHolder,
    readonly by: 'runtime' | 'this-process' | 'database-lock',
  ) {
    super(
      by === 'this-process'
        ? `The data folder ${dir} is in use by another hub-intake in this process. Use another DATA_DIR (or DATA_DIR=memory).`
        : by === 'database-lock'
          ? `The data folder ${dir} is in use: another program holds its database (${join(dir, 'dynamodb', 'LOCK')}). Stop it, or start this one with another DATA_DIR (or DATA_DIR=memory).`
          : `The data folder ${dir} is in use by another hub-intake (${describeHolder(holder)}). Stop it, or start this one with another DATA_DIR (or DATA_DIR=memory).`,
    );
  }
}

/** `pid 123, http://localhost:3000`. */
export function describeHolder(holder: DataDirHolder): string {
  return [holder.pid ? `pid ${holder.pid}` : undefined, holder.url].filter(Boolean).join(', ') || 'a process';
}

const LOCK_FILE = 'hub-intake.pid';

/** The holder a lock file names: JSON `{pid, url}`, or a bare pid as older runtimes wrote it. */
function readHolder(lock: string): DataDirHolder | undefined {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  try {
    const parsed = JSON.parse(text) as DataDirHolder;
    return { pid: Number(parsed.pid) || undefined, url: typeof parsed.url === 'string' ? parsed.url : undefined };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process. dynalite cannot share a folder between processes, so a
 * second runtime (or an ops command) on the same folder is stopped with a clear message instead
 * of a crash. The lock file names the holder's pid, and its URL once `describe` is called.
 */
const openDataDirs = new Set<string>();

interface DataDirLock {
  /** Adds the runtime's URL to the lock file, for the message another command on the folder prints. */
  describe(url: string): void;
  release(): void;
}

function lockDataDir(dir: string): DataDirLock {
  const folder = resolve(dir);
  if (openDataDirs.has(folder)) throw new DataDirInUse(dir, { pid: process.pid }, 'this-process');
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  const holder = readHolder(lock);
  if (holder?.pid && holder.pid !== process.pid && alive(holder.pid)) throw new DataDirInUse(dir, holder, 'runtime');
  const write = (content: DataDirHolder) => writeFileSync(lock, `${JSON.stringify(content)}\n`);
  write({ pid: process.pid });
  openDataDirs.add(folder);
  return {
    describe: (url) => write({ pid: process.pid, url }),
    release() {
      openDataDirs.delete(folder);
      rmSync(lock, { force: true });
    },
  };
}

// dynalite's own database package: a lock it cannot take crashes dynalite's first request, so it is tried first.
const { Level } = createRequire(require.resolve('dynalite'))('level') as {
  Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> };
};

/** Fails with {@link DataDirInUse} when another program holds the database's LOCK (a lock file that says nothing, or none). */
async function checkDatabaseLock(dir: string, path: string): Promise<void> {
  mkdirSync(path, { recursive: true });
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    const codes = [(error as { code?: string }).code, ((error as { cause?: { code?: string } }).cause ?? {}).code];
    if (codes.includes('LEVEL_LOCKED') || /lock/i.test(String((error as { cause?: Error }).cause?.message ?? ''))) throw new DataDirInUse(dir, {}, 'database-lock');
    throw error;
  }
  await db.close();
}

/** dynalite, with a way to hear of every write it answered (what the table's stream is made from). */
export interface DynamoEmulator extends Emulator {
  /** Calls `listener` with the action and body of every write request answered with 200. */
  onWrite(listener: (action: string, body: unknown) => void): void;
  /** Names the runtime's URL in the data folder's lock file (nothing in memory). */
  describeHolder(url: string): void;
}

/** dynalite on a free loopback port, in memory or persisted under `dataDir`, with the table created. */
export async function startDynamo(dataDir: string | 'memory', tableName: string): Promise<DynamoEmulator> {
  const lock = dataDir === 'memory' ? undefined : lockDataDir(dataDir);
  const path = dataDir === 'memory' ? undefined : join(dataDir, 'dynamodb');
  if (path) await checkDatabaseLock(dataDir, path).then(() => finishTableCreation(path, tableName)).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  const server: Server = dynalite(path ? { path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 } : { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const listeners: ((action: string, body: unknown) => void)[] = [];
  tapWrites(server, (action, body) => listeners.forEach((listener) => listener(action, body)));
  const endpoint = await listen(server);
  const client = new DynamoDBClient({ endpoint, region: 'eu-south-1', credentials: localCredentials });
  try {
    await client.send(new CreateTableCommand(localTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // A folder of an earlier version may hold the table with other indexes (or a rebuild cut short): rebuilt to the current ones.
  if (dataDir !== 'memory') {
    const carried = await upgradeLocalTable(client, localTableDefinition(tableName), dataDir).catch(async (upgradeError: unknown) => {
      client.destroy();
      await closeServer(server);
      lock?.release();
      throw upgradeError;
    });
    if (carried !== undefined) console.error(`hub-intake: the table in ${dataDir} was rebuilt with the current indexes (${carried} ${carried === 1 ? 'item' : 'items'} carried over)`);
  }
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  client.destroy();
  return {
    endpoint,
    onWrite: (listener) => listeners.push(listener),
    describeHolder: (url) => lock?.describe(url),
    async close() {
      await closeServer(server);
      lock?.release();
    },
  };
}

/** A mail as the local mailbox lists it. */
export interface LocalMail {
  messageId: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** The file of the local mailbox under `DATA_DIR`: one sent mail a line, as the SES emulator stores it. */
export const MAILBOX_FILE = 'mailbox.jsonl';

/**
 * The local SES v2 endpoint; its viewer is at the endpoint's root. The emulator keeps its mails in
 * memory, for the whole process: the store is emptied at start, filled from `DATA_DIR`'s mailbox
 * file, and every mail it accepts is appended there once its request is answered, so that a
 * restart shows the mails sent before it (`memory` keeps them in memory only).
 */
export async function startSes(dataDir: string | 'memory' = 'memory'): Promise<Emulator & { mails(): LocalMail[] }> {
  clearStore();
  const file = dataDir === 'memory' ? undefined : join(dataDir, MAILBOX_FILE);
  if (file) getStoreReadonly().emails.push(...readMailbox(file));
  let saved = getStoreReadonly().emails.length;
  /** Appends what the store holds beyond the file; a cleared store (the viewer's button) empties the file too. */
  const save = () => {
    if (!file) return;
    const emails = getStoreReadonly().emails;
    if (emails.length < saved) {
      writeFileSync(file, emails.map((email) => `${JSON.stringify(email)}\n`).join(''));
    } else if (emails.length > saved) {
      appendFileSync(file, emails.slice(saved).map((email) => `${JSON.stringify(email)}\n`).join(''));
    }
    saved = emails.length;
  };
  const server = await sesServer({ host: '127.0.0.1', port: 0 });
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  server.on('request', (_request, response: ServerResponse) => response.once('finish', save));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    async close() {
      await closeServer(server);
      save();
    },
    mails() {
      return [...getStoreReadonly().emails]
        .map((email) => ({
          messageId: email.messageId,
          at: new Date(email.at * 1000).toISOString(),
          from: email.from,
          to: email.destination.to,
          subject: email.subject,
          text: email.body.text ?? '',
          html: email.body.html ?? '',
        }))
        .reverse();
    },
  };
}

/** The mails of a mailbox file, oldest first; a line cut short by a crash is skipped. */
function readMailbox(file: string): StoredEmail[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const mails: StoredEmail[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const mail = JSON.parse(line) as StoredEmail;
      if (typeof mail.messageId === 'string' && typeof mail.at === 'number' && mail.destination && mail.body) mails.push(mail);
    } catch {
      // Half a line: the process stopped while appending it.
    }
  }
  return mails;
}
