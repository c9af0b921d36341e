import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashSecret } from '../../core/ids';
import { keys } from './keys';

/** What an Idempotency-Key is bound to: the request it first came with and the case it made. */
export interface IdempotencyRecord {
  fingerprint: string;
  caseId: string;
  reference: string;
  /**
   * The status link's secret, encrypted under a key derived from the Idempotency-Key itself, which
   * is stored only as a hash: the table alone never yields a working link.
   */
  sealedToken: string;
  /** When the first request bound the key (or a replay took over a request that died). */
  reservedAt: string;
  /** Set when the request holding the key failed before storing its case: a retry may take over at once. */
  releasedAt?: string;
  /** Epoch seconds; the table's TTL attribute. */
  expiresAt: number;
}

export interface IdempotencyStore {
  /**
   * Binds a key to `candidate` unless it is already bound. Returns the record that holds the
   * key: `candidate` itself when `fresh`, otherwise the one stored by the first request.
   */
  reserve(partner: string, key: string, candidate: IdempotencyRecord, now: Date): Promise<{ fresh: boolean; record: IdempotencyRecord }>;
  /** Takes over a reservation whose request died; false when another replay took it first. */
  takeOver(partner: string, key: string, seen: IdempotencyRecord, now: Date): Promise<boolean>;
  /** Says that the request holding the key gave up before storing its case. Best effort. */
  release(partner: string, key: string, caseId: string, now: Date): Promise<void>;
  /** Points the key at the reference its case finally claimed (after a rare collision). */
  rebind(partner: string, key: string, caseId: string, reference: string): Promise<void>;
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export function createIdempotencyStore(doc: DynamoDBDocumentClient, tableName: string): IdempotencyStore {
  const keyOf = (partner: string, key: string) => keys.idempotency(partner, hashSecret(key));
  return {
    async reserve(partner, key, candidate, now) {
      const Key = keyOf(partner, key);
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
        if (!isConditionFailure(error)) throw error;
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
          sealedToken: String(item.sealedToken ?? ''),
          reservedAt: String(item.reservedAt ?? '1970-01-01T00:00:00.000Z'),
          ...(typeof item.releasedAt === 'string' ? { releasedAt: item.releasedAt } : {}),
          expiresAt: Number(item.expiresAt),
        },
      };
    },

    async takeOver(partner, key, seen, now) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(partner, key),
            ConditionExpression: 'reservedAt = :seen AND caseId = :caseId',
            UpdateExpression: 'SET reservedAt = :now REMOVE releasedAt',
            ExpressionAttributeValues: { ':seen': seen.reservedAt, ':caseId': seen.caseId, ':now': now.toISOString() },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async release(partner, key, caseId, now) {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(partner, key),
            ConditionExpression: 'caseId = :caseId',
            UpdateExpression: 'SET releasedAt = :now',
            ExpressionAttributeValues: { ':caseId': caseId, ':now': now.toISOString() },
          }),
        )
        .catch(() => undefined);
    },

    async rebind(partner, key, caseId, reference) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(partner, key),
          ConditionExpression: 'caseId = :caseId',
          // REFERENCE is a reserved word of DynamoDB's expressions: named through a placeholder.
          UpdateExpression: 'SET #reference = :reference',
          ExpressionAttributeNames: { '#reference': 'reference' },
          ExpressionAttributeValues: { ':caseId': caseId, ':reference': reference },
        }),
      );
    },
  };
}
