import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Effect, OutboxEntry } from '../domain/case-record';
import { INDEX, keys } from './keys';

/**
 * The outbox: any item that carries `effect`, `dueAt` and the outbox index keys is pending work.
 * Writing those attributes in the same single-item write as the change they follow is what makes
 * "stored, then emailed" safe without transactions.
 */
export interface OutboxStore {
  /** Entries due at or before `now`, oldest first. */
  due(now: string, limit: number): Promise<OutboxEntry[]>;
  /** Leases an entry for processing; false if someone else took it first or it is done. */
  lease(entry: OutboxEntry, leaseUntil: string): Promise<boolean>;
  /** Takes the entry out of the outbox and erases its payload (it may hold link secrets). */
  complete(entry: OutboxEntry, at: string): Promise<void>;
  /** Puts the entry back for a later attempt. */
  defer(entry: OutboxEntry, dueAt: string, error: string): Promise<void>;
  /** Queues work on an item of its own, once: false when that item exists already. */
  enqueue(entry: Omit<OutboxEntry, 'attempts'>): Promise<boolean>;
}

/** The attributes that put an item in the outbox; spread them into the item's own write. */
export function outboxAttributes(caseId: string, effect: Effect, dueAt: string, payload?: Record<string, string | number>) {
  return {
    ...keys.outboxIndex(dueAt, caseId),
    caseId,
    effect,
    attempts: 0,
    dueAt,
    ...(payload ? { payload } : {}),
  };
}

const ignoreConditionFailure = (error: unknown) => {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
};

export function createOutboxStore(doc: DynamoDBDocumentClient, tableName: string): OutboxStore {
  return {
    async due(now, limit) {
      const result = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.outbox,
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':pk': keys.outboxPartition, ':now': `${now}~` },
          Limit: limit,
        }),
      );
      return (result.Items ?? []).map((item) => ({
        key: { pk: String(item.pk), sk: String(item.sk) },
        caseId: String(item.caseId),
        effect: item.effect as Effect,
        attempts: Number(item.attempts ?? 0),
        dueAt: String(item.dueAt),
        ...(item.payload ? { payload: item.payload as Record<string, string | number> } : {}),
      }));
    },

    async lease(entry, leaseUntil) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: entry.key,
            ConditionExpression: 'attribute_exists(gsi2pk) AND dueAt = :seen',
            UpdateExpression: 'SET dueAt = :lease, gsi2sk = :gsi2sk',
            ExpressionAttributeValues: {
              ':seen': entry.dueAt,
              ':lease': leaseUntil,
              ':gsi2sk': keys.outboxIndex(leaseUntil, entry.caseId).gsi2sk,
            },
          }),
        );
        return true;
      } catch (error) {
        ignoreConditionFailure(error);
        return false;
      }
    },

    async enqueue({ key, caseId, effect, dueAt, payload }) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, type: 'outbox', ...outboxAttributes(caseId, effect, dueAt, payload) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        ignoreConditionFailure(error);
        return false;
      }
    },

    async complete(entry, at) {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: entry.key,
            ConditionExpression: 'attribute_exists(pk)',
            UpdateExpression: 'REMOVE gsi2pk, gsi2sk, payload, lastError SET doneAt = :at',
            ExpressionAttributeValues: { ':at': at },
          }),
        )
        .catch(ignoreConditionFailure);
    },

    async defer(entry, dueAt, error) {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: entry.key,
            // Only while still pending: an entry completed meanwhile stays completed.
            ConditionExpression: 'attribute_exists(gsi2pk)',
            UpdateExpression: 'SET dueAt = :due, gsi2sk = :gsi2sk, lastError = :error ADD attempts :one',
            ExpressionAttributeValues: {
              ':due': dueAt,
              ':gsi2sk': keys.outboxIndex(dueAt, entry.caseId).gsi2sk,
              ':error': error.slice(0, 500),
              ':one': 1,
            },
          }),
        )
        .catch(ignoreConditionFailure);
    },
  };
}
