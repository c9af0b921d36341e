import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional';
import type { PartnerKeyRecord, PartnerKeys } from '../../app/partner-keys';
import { keys } from './keys';
import { queryAll } from './query';

/** Partner API keys, one item each in the partner's partition. */
export type PartnerKeyStore = PartnerKeys;

const fromItem = (item: Record<string, unknown>): PartnerKeyRecord => ({
  partner: String(item.partner),
  keyId: String(item.keyId),
  secretHash: String(item.secretHash),
  createdAt: String(item.createdAt),
  ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
  ...(typeof item.lastUsedAt === 'string' ? { lastUsedAt: item.lastUsedAt } : {}),
  ...(typeof item.label === 'string' ? { label: item.label } : {}),
});

export function createPartnerKeyStore(doc: DynamoDBDocumentClient, tableName: string): PartnerKeyStore {
  return {
    async get(partner, keyId) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.partnerKey(partner, keyId) }));
      return result.Item ? fromItem(result.Item) : undefined;
    },

    async list(partner) {
      const { items } = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.partnerPartition(partner), ':prefix': keys.partnerKeyPrefix },
      });
      return items.map(fromItem);
    },

    async put(record) {
      return whenConditionHolds(
        doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.partnerKey(record.partner, record.keyId), type: 'partner-key', ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async revoke(partner, keyId, at) {
      return whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.partnerKey(partner, keyId),
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
            UpdateExpression: 'SET revokedAt = :at',
            ExpressionAttributeValues: { ':at': at },
          }),
        ),
      );
    },

    async touch(partner, keyId, at, resolutionMs) {
      // Used within the resolution already (the condition fails): nothing to record.
      await whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.partnerKey(partner, keyId),
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
            UpdateExpression: 'SET lastUsedAt = :at',
            ExpressionAttributeValues: { ':at': at.toISOString(), ':stale': new Date(at.getTime() - resolutionMs).toISOString() },
          }),
        ),
      );
    },
  };
}
