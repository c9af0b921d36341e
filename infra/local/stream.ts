/**
 * The table's DynamoDB stream, in the embedded runtime: dynalite has none, so the runtime listens
 * to the writes dynalite answers, reads each written item's new image, and hands the records
 * that pass the event filter of the deployed event source (`COMMIT_STREAM`) to the same handler,
 * in the same event shape, in order, with the same retries, bisection and partial batch failures
 * as Lambda's event source mapping. A batch that keeps failing goes to the "on-failure
 * destination", here the log and {@link LocalStream.failedBatches}; the sweep still has its entries.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localCredentials } from '../../shared/adapters/dynamodb/clients';
import { freshEntriesOf } from '../../shared/adapters/dynamodb/outbox-stream';
import { reactToCommits, type EffectDeps } from '../../shared/app/effects';
import { COMMIT_STREAM } from '../config/stream';
import { TABLE_KEY_NAMES } from './table';

type Key = Record<string, AttributeValue>;
type WriteAction = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem';

/** The item keys a successful write request changed, read from its body. */
export function writtenKeys(action: string, body: unknown, table: string, keyNames: readonly string[]): Key[] {
  const pick = (item: Key | undefined): Key[] => (item ? [Object.fromEntries(keyNames.map((name) => [name, item[name]!]))] : []);
  const request = body as { TableName?: string; Item?: Key; Key?: Key; RequestItems?: Record<string, { PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } }[]> };
  switch (action as WriteAction) {
    case 'PutItem':
      return request.TableName === table ? pick(request.Item) : [];
    case 'UpdateItem':
    case 'DeleteItem':
      return request.TableName === table ? pick(request.Key) : [];
    case 'BatchWriteItem':
      return (request.RequestItems?.[table] ?? []).flatMap((entry) => pick(entry.PutRequest?.Item ?? entry.DeleteRequest?.Key));
    default:
      return [];
  }
}

/**
 * Whether a record matches a Lambda event filter pattern, for the part of the pattern language
 * hub-intake uses: nested objects, and lists of the exact values allowed.
 */
export function matchesFilter(pattern: Record<string, unknown>, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([name, rule]) => {
    const field = (value as Record<string, unknown>)[name];
    if (Array.isArray(rule)) return rule.some((allowed) => allowed === field);
    return matchesFilter(rule as Record<string, unknown>, field);
  });
}

/**
 * Calls `onWrite` with the keys of every write request dynalite answers with 200, after it
 * answered: a tap on its request listener, which reads the same body chunks dynalite reads.
 */
export function tapWrites(server: Server, onWrite: (action: string, body: unknown) => void): void {
  const [original] = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  if (!original) throw new Error('dynalite has no request listener to tap');
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const action = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(action)) {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('finish', () => {
        if (response.statusCode !== 200) return;
        try {
          onWrite(action, JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          // A body dynalite accepted is JSON; anything else changed nothing.
        }
      });
    }
    original(request, response);
  });
}

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface LocalStreamOptions {
  endpoint: string;
  table: string;
  keyNames: readonly string[];
  /** The function the event source mapping invokes; set once the functions are configured. */
  handler?: StreamHandler;
  /** Waiting time before retry `n` (1-based); short locally. */
  retryDelayMs?: (attempt: number) => number;
  log?: (message: string, extra: Record<string, unknown>) => void;
}

export interface LocalStream {
  /** Records the writes of one request; they are read and delivered in the order written. */
  written(action: string, body: unknown): void;
  /** Connects the handler; records written before are delivered then. */
  connect(handler: StreamHandler): void;
  /** Resolves once every record written so far has been delivered or given up. */
  idle(): Promise<void>;
  /** Holds delivery back (records queue) until {@link resume}: for a measurement that times only the writer. */
  pause(): void;
  resume(): void;
  /** Batches given up after every retry, as the on-failure destination would hold them. */
  failedBatches(): readonly DynamoDBRecord[][];
  close(): Promise<void>;
}

export function createLocalStream(options: LocalStreamOptions): LocalStream {
  const client = new DynamoDBClient({ endpoint: options.endpoint, region: 'eu-south-1', credentials: localCredentials });
  const retryDelayMs = options.retryDelayMs ?? ((attempt) => 50 * 2 ** attempt);
  const log = options.log ?? ((message, extra) => console.error(message, extra));
  const failed: DynamoDBRecord[][] = [];
  let handler = options.handler;
  let sequence = 0;
  let closed = false;
  let paused = false;
  const pending: { action: string; key: Key }[] = [];
  let running: Promise<void> | undefined;

  async function recordOf(action: string, key: Key): Promise<DynamoDBRecord> {
    const { Item } = await client.send(new GetItemCommand({ TableName: options.table, Key: key, ConsistentRead: true }));
    sequence += 1;
    type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
    return {
      eventID: String(sequence),
      eventName: !Item || action === 'DeleteItem' ? 'REMOVE' : action === 'PutItem' ? 'INSERT' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-south-1',
      eventSourceARN: `arn:aws:dynamodb:eu-south-1:000000000000:table/${options.table}/stream/local`,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: key as Image,
        ...(Item ? { NewImage: Item as Image } : {}),
        SequenceNumber: String(sequence).padStart(21, '0'),
        SizeBytes: JSON.stringify(Item ?? key).length,
        StreamViewType: 'NEW_IMAGE',
      },
    };
  }

  /** One batch through the handler as the event source mapping runs it: retries, bisection, partial failures. */
  async function deliver(batch: DynamoDBRecord[], attempt = 0): Promise<void> {
    if (!handler || batch.length === 0) return;
    let rest: DynamoDBRecord[];
    let threw = false;
    try {
      const response = await handler({ Records: batch });
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return;
      // Lambda resumes from the lowest sequence number reported.
      const first = Math.min(...failures.map((failure) => batch.findIndex((record) => record.dynamodb?.SequenceNumber === failure.itemIdentifier)).map((index) => (index < 0 ? 0 : index)));
      rest = batch.slice(first);
    } catch (error) {
      threw = true;
      rest = batch;
      log('stream batch failed', { records: batch.length, attempt, error: error instanceof Error ? error.message : String(error) });
    }
    if (attempt >= COMMIT_STREAM.retryAttempts || closed) {
      failed.push(rest);
      log('stream batch sent to the on-failure destination; the outbox sweep still runs its entries', { records: rest.length });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt + 1)));
    if (threw && COMMIT_STREAM.bisectBatchOnError && rest.length > 1) {
      const half = Math.ceil(rest.length / 2);
      await deliver(rest.slice(0, half), attempt + 1);
      await deliver(rest.slice(half), attempt + 1);
      return;
    }
    await deliver(rest, attempt + 1);
  }

  async function drain(): Promise<void> {
    while (pending.length > 0 && handler && !closed && !paused) {
      const writes = pending.splice(0, COMMIT_STREAM.batchSize);
      const records: DynamoDBRecord[] = [];
      for (const { action, key } of writes) {
        try {
          records.push(await recordOf(action, key));
        } catch (error) {
          if (closed) return;
          log('stream record not read', { error: error instanceof Error ? error.message : String(error) });
        }
      }
      await deliver(records.filter((record) => matchesFilter(COMMIT_STREAM.filter, record)));
    }
  }

  function kick(): void {
    running ??= drain().finally(() => {
      running = undefined;
      if (pending.length > 0 && handler && !closed && !paused) kick();
    });
  }

  return {
    written(action, body) {
      if (closed) return;
      for (const key of writtenKeys(action, body, options.table, options.keyNames)) pending.push({ action, key });
      if (handler && !paused) kick();
    },
    connect(next) {
      handler = next;
      kick();
    },
    async idle() {
      while (running) await running;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      if (handler) kick();
    },
    failedBatches: () => failed,
    async close() {
      closed = true;
      await running?.catch(() => undefined);
      client.destroy();
    },
  };
}

/** A table emulator that reports the writes it answered (`startDynamo`'s). */
export interface WriteReporter {
  endpoint: string;
  onWrite(listener: (action: string, body: unknown) => void): void;
}

/** The stream of `table`'s writes: every write it answers is read and delivered once a handler is connected. */
export function tableStream(table: WriteReporter, tableName: string, options: Pick<LocalStreamOptions, 'retryDelayMs' | 'log'> = {}): LocalStream {
  const stream = createLocalStream({ endpoint: table.endpoint, table: tableName, keyNames: TABLE_KEY_NAMES, ...options });
  table.onWrite((action, body) => stream.written(action, body));
  return stream;
}

/**
 * The stream of a table, feeding the stream's handler with `deps` in process, as react-to-commit
 * runs it: for suites and the bench, which build their own dependencies. Retries follow at once
 * and nothing is logged, unless `options` say otherwise.
 */
export function streamInProcess(table: WriteReporter, tableName: string, deps: EffectDeps, options: Pick<LocalStreamOptions, 'retryDelayMs' | 'log'> = {}): LocalStream {
  const stream = tableStream(table, tableName, { retryDelayMs: () => 0, log: () => undefined, ...options });
  stream.connect(async (event) => ({ batchItemFailures: (await reactToCommits(deps, freshEntriesOf(event.Records))).map((itemIdentifier) => ({ itemIdentifier })) }));
  return stream;
}
