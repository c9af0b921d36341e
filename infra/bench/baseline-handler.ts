import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The reference for cold starts: the least a function of ours must load, a handler that only
 * creates a DynamoDB document client. It is bundled with the functions' own options; the client
 * is created at import, as a bare handler usually does.
 */
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/**
 * With a `key` in the event, reads that item of TABLE_NAME: the one real call of the baseline's
 * first invocation in the load-plus-first-invocation figure. Without one, it calls nothing.
 */
export const handler = async (event: { key?: Record<string, string> } = {}): Promise<{ statusCode: number; body: string }> => {
  if (!event.key) return { statusCode: 200, body: String(Boolean(doc)) };
  const { Item } = await doc.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: event.key }));
  return { statusCode: Item ? 200 : 404, body: String(Boolean(Item)) };
};
