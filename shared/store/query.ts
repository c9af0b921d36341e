import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, unknown>;

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
