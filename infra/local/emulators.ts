import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createRequire } from 'node:module';
import { localCredentials } from '../../shared/adapters/dynamodb/clients';
import { localTableDefinition } from './table';
import { tapWrites } from './stream';

// aws-ses-v2-local is CommonJS with an ES default export; require() reads it the same way under every loader.
const require = createRequire(import.meta.url);
const { default: sesServer } = require('aws-ses-v2-local') as typeof import('aws-ses-v2-local');
const { getStoreReadonly } = require('aws-ses-v2-local/dist/store.js') as typeof import('aws-ses-v2-local/dist/store.js');

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

/**
 * Takes the data folder for this process. dynalite cannot share a folder between processes, so a
 * second runtime on the same folder is stopped with a clear message instead of a crash.
 */
const openDataDirs = new Set<string>();

function lockDataDir(dir: string): () => void {
  const folder = resolve(dir);
  if (openDataDirs.has(folder)) throw new Error(`The data folder ${dir} is in use by another hub-intake in this process. Use another DATA_DIR (or DATA_DIR=memory).`);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'hub-intake.pid');
  try {
    const holder = Number(readFileSync(lock, 'utf8'));
    if (holder && holder !== process.pid) {
      try {
        process.kill(holder, 0);
        throw new Error(`The data folder ${dir} is in use by another hub-intake (pid ${holder}). Stop it, or start this one with another DATA_DIR (or DATA_DIR=memory).`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  writeFileSync(lock, String(process.pid));
  openDataDirs.add(folder);
  return () => {
    openDataDirs.delete(folder);
    rmSync(lock, { force: true });
  };
}

/** dynalite, with a way to hear of every write it answered (what the table's stream is made from). */
export interface DynamoEmulator extends Emulator {
  /** Calls `listener` with the action and body of every write request answered with 200. */
  onWrite(listener: (action: string, body: unknown) => void): void;
}

/** dynalite on a free loopback port, in memory or persisted under `dataDir`, with the table created. */
export async function startDynamo(dataDir: string | 'memory', tableName: string): Promise<DynamoEmulator> {
  const unlock = dataDir === 'memory' ? () => undefined : lockDataDir(dataDir);
  const server: Server = dynalite(dataDir === 'memory' ? { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 } : { path: join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const listeners: ((action: string, body: unknown) => void)[] = [];
  tapWrites(server, (action, body) => listeners.forEach((listener) => listener(action, body)));
  const endpoint = await listen(server);
  const client = new DynamoDBClient({ endpoint, region: 'eu-south-1', credentials: localCredentials });
  try {
    await client.send(new CreateTableCommand(localTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  client.destroy();
  return {
    endpoint,
    onWrite: (listener) => listeners.push(listener),
    async close() {
      await closeServer(server);
      unlock();
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

/** The local SES v2 endpoint; its viewer is at the endpoint's root. */
export async function startSes(): Promise<Emulator & { mails(): LocalMail[] }> {
  const server = await sesServer({ host: '127.0.0.1', port: 0 });
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    close: () => closeServer(server),
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
