import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailable } from '../../core/errors';

export type Item = Record<string, unknown>;

/** One page of a query: its items and the read capacity it consumed (0 unless the input asks for it). */
export interface QueryPage {
  items: Item[];
  readCapacity: number;
}

/**
 * Runs a query page after page, following `LastEvaluatedKey`, and yields each page as it arrives:
 * the next page is asked for only when the consumer takes it, so a consumer that folds each page
 * holds one page at a time, not the whole result.
 */
export async function* queryPages(doc: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<QueryPage, void, undefined> {
  let ExclusiveStartKey = input.ExclusiveStartKey;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    ExclusiveStartKey = page.LastEvaluatedKey;
    yield { items: (page.Items ?? []) as Item[], readCapacity: page.ConsumedCapacity?.CapacityUnits ?? 0 };
  } while (ExclusiveStartKey);
}

/**
 * Runs a query page after page, following `LastEvaluatedKey`, until the end or until `enough`
 * says the items gathered suffice. Returns the items and the read capacity the pages consumed
 * (when the input asks for it with `ReturnConsumedCapacity`).
 */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  enough: (items: readonly Item[]) => boolean = () => false,
): Promise<{ items: Item[]; readCapacity: number }> {
  const items: Item[] = [];
  let readCapacity = 0;
  let ExclusiveStartKey = input.ExclusiveStartKey;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as Item[]));
    readCapacity += page.ConsumedCapacity?.CapacityUnits ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && !enough(items));
  return { items, readCapacity };
}

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_MAX = 100;
/** Rounds of retrying keys DynamoDB left unprocessed (throttling) before giving up with a 503. */
const UNPROCESSED_ATTEMPTS = 6;

/**
 * Reads items by key in batches of 100, retrying the keys DynamoDB leaves unprocessed with jittered
 * back-off; gives up with ServiceUnavailable (a 503 for HTTP callers) when they keep coming back.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keyList: readonly Item[],
  options: { projection?: readonly string[]; consistent?: boolean } = {},
): Promise<Item[]> {
  const projection = options.projection
    ? {
        // Placeholders named after the attributes (plain identifiers), which may be reserved words.
        ProjectionExpression: options.projection.map((name) => `#${name}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(options.projection.map((name) => [`#${name}`, name])),
      }
    : {};
  const items: Item[] = [];
  for (let start = 0; start < keyList.length; start += BATCH_GET_MAX) {
    let pending: Item[] = keyList.slice(start, start + BATCH_GET_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt >= UNPROCESSED_ATTEMPTS) throw new ServiceUnavailable();
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));
      }
      const result = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent, ...projection } } }),
      );
      items.push(...((result.Responses?.[tableName] ?? []) as Item[]));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }
  }
  return items;
}
