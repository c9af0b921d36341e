import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashSecret } from '../domain/ids';
import { keys } from './keys';

/** What an Idempotency-Key is bound to: the request it first came with and the case it made. */
export interface IdempotencyRecord {
  fingerprint: string;
  caseId: string;
  reference: string;
  /** Kept only for the key's lifetime, so a replay can answer with the same status link. */
  statusToken: string;
  /** Epoch seconds; the table's TTL attribute. */
  expiresAt: number;
}

export interface IdempotencyStore {
  /**
   * Binds a key to `candidate` unless it is already bound. Returns the record that holds the
   * key: `candidate` itself when `fresh`, otherwise the one stored by the first request.
   */
  reserve(partner: string, key: string, candidate: IdempotencyRecord, now: Date): Promise<{ fresh: boolean; record: IdempotencyRecord }>;
}

export function createIdempotencyStore(doc: DynamoDBDocumentClient, tableName: string): IdempotencyStore {
  return {
    async reserve(partner, key, candidate, now) {
      const Key = keys.idempotency(partner, hashSecret(key));
      const nowSeconds = Math.floor(now.getTime() / 1000);
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...Key, type: 'idempotency', ...candidate },
            // DynamoDB deletes expired items lazily, so an expired record counts as absent.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        );
        return { fresh: true, record: candidate };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const existing = await doc.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
      const item = existing.Item;
      if (!item) throw new Error('Idempotency record vanished between write and read');
      return {
        fresh: false,
        record: {
          fingerprint: String(item.fingerprint),
          caseId: String(item.caseId),
          reference: String(item.reference),
          statusToken: String(item.statusToken),
          expiresAt: Number(item.expiresAt),
        },
      };
    },
  };
}
