import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashSecret } from '../../core/ids';
import { whenConditionHolds } from './conditional';
import { keys } from './keys';
import type { IdempotencyRecord, IdempotencyStore } from '../../app/ports';
export type { IdempotencyRecord, IdempotencyStore } from '../../app/ports';

export function createIdempotencyStore(doc: DynamoDBDocumentClient, tableName: string): IdempotencyStore {
  const keyOf = (partner: string, key: string) => keys.idempotency(partner, hashSecret(key));
  return {
    async reserve(partner, key, candidate, now) {
      const Key = keyOf(partner, key);
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const reserved = await whenConditionHolds(
        doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...Key, type: 'idempotency', ...candidate },
            // DynamoDB deletes expired items lazily, so an expired record counts as absent.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        ),
      );
      if (reserved) return { fresh: true, record: candidate };
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
      return whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(partner, key),
            ConditionExpression: 'reservedAt = :seen AND caseId = :caseId',
            UpdateExpression: 'SET reservedAt = :now REMOVE releasedAt',
            ExpressionAttributeValues: { ':seen': seen.reservedAt, ':caseId': seen.caseId, ':now': now.toISOString() },
          }),
        ),
      );
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
