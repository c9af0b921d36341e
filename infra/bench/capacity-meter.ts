import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** DynamoDB operations that write; each gets `ReturnConsumedCapacity: 'TOTAL'`. */
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
/** Reads, metered too, to show what a step reads besides what it writes. */
const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
/** The index key attributes of the table and the index each one puts an item in. */
const INDEX_KEYS: Record<string, string> = { gsi1pk: 'byStatus', gsi2pk: 'outbox', gsi3pk: 'byPerson' };

/** One call to DynamoDB, as the meter saw it. */
export interface MeteredOperation {
  /** `PutItem`, `UpdateItem`, `GetItem`, `Query`... */
  operation: string;
  write: boolean;
  /** Which item: `case`, `outbox#receipt`, `version`, `event`, `reference`, `stats`... */
  item: string;
  /** Capacity units as the table reported them (dynalite: the table's only, no index writes). */
  capacityUnits: number;
  /** Indexes whose key this write sets or removes: on DynamoDB each such index is written too. */
  indexKeysWritten: string[];
}

type Input = {
  Item?: Record<string, unknown>;
  Key?: Record<string, unknown>;
  UpdateExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
  KeyConditionExpression?: string;
  IndexName?: string;
  ReturnConsumedCapacity?: string;
};

/**
 * A short name for the item a key designates: the sort key's kind within a case partition
 * (`case`, `version`, `event`, `outbox#receipt`), else the partition's kind (`reference`, `stats`).
 */
export function itemLabel(pk: unknown, sk: unknown): string {
  const partition = String(pk ?? '');
  const sort = String(sk ?? '');
  if (partition.startsWith('CASE#')) {
    const [kind, detail] = sort.split('#');
    return kind === 'OUTBOX' ? `outbox#${detail}` : (kind ?? sort).toLowerCase();
  }
  return (partition.split('#')[0] ?? partition).toLowerCase();
}

/** The indexes whose key attributes a put sets, or an update sets or removes. */
export function indexKeysWritten(input: Input): string[] {
  const names = Object.keys(INDEX_KEYS);
  const touched = input.Item ? names.filter((name) => input.Item![name] !== undefined) : names.filter((name) => new RegExp(`\\b${name}\\b`).test(input.UpdateExpression ?? ''));
  return touched.map((name) => INDEX_KEYS[name]!);
}

function describe(operation: string, input: Input): string {
  const key = input.Item ?? input.Key;
  if (key) return itemLabel(key.pk, key.sk);
  if (input.IndexName) return `index ${input.IndexName}`;
  const pk = input.ExpressionAttributeValues?.[':pk'];
  return pk === undefined ? operation : `${itemLabel(pk, input.ExpressionAttributeValues?.[':prefix'] ?? '')} (query)`;
}

/** What the meter has seen since the last reset, and the reset. */
export interface CapacityMeter {
  take(): MeteredOperation[];
}

/**
 * Adds a middleware to `doc` that asks DynamoDB for `ReturnConsumedCapacity: 'TOTAL'` on every
 * read and write and records each call with the capacity reported. `take()` returns the calls
 * since the previous `take()`.
 */
export function meterCapacity(doc: DynamoDBDocumentClient): CapacityMeter {
  let seen: MeteredOperation[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as Input;
      const write = WRITES.has(command);
      if (write || READS.has(command)) input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (write || READS.has(command)) {
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, entry) => sum + (entry?.CapacityUnits ?? 0), 0);
        seen.push({ operation: command.replace(/Command$/, ''), write, item: describe(command, input), capacityUnits: units, indexKeysWritten: write ? indexKeysWritten(input) : [] });
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  return {
    take() {
      const taken = seen;
      seen = [];
      return taken;
    },
  };
}

/** The write capacity units of some metered calls. */
export const writeUnits = (operations: readonly MeteredOperation[]): number => operations.filter((o) => o.write).reduce((sum, o) => sum + o.capacityUnits, 0);
/** The read capacity units of some metered calls. */
export const readUnits = (operations: readonly MeteredOperation[]): number => operations.filter((o) => !o.write).reduce((sum, o) => sum + o.capacityUnits, 0);
