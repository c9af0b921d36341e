import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Effect, OutboxEntry } from '../../core/case-record';
import { INDEX, keys } from './keys';
import { queryAll } from './query';

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
  /**
   * Takes an entry that failed for good out of the outbox, into the dead letters: the same item,
   * its payload kept (a retry needs its link secret), with its last error and attempts.
   */
  deadLetter(entry: OutboxEntry, at: string, error: string): Promise<void>;
  /** Every dead-lettered entry, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /** Puts a dead-lettered entry back in the outbox, due at `at`, with its attempts counted afresh; false if it is no dead letter. */
  revive(entry: Pick<OutboxEntry, 'key' | 'caseId'>, at: string): Promise<boolean>;
}

/** An outbox entry given up on: what ops see with `npm run outbox -- list-dead`. */
export interface DeadLetter extends OutboxEntry {
  deadLetteredAt: string;
  lastError: string;
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

function entryOf(item: Record<string, unknown>): OutboxEntry {
  return {
    key: { pk: String(item.pk), sk: String(item.sk) },
    caseId: String(item.caseId),
    effect: item.effect as Effect,
    attempts: Number(item.attempts ?? 0),
    dueAt: String(item.dueAt),
    ...(item.payload ? { payload: item.payload as Record<string, string | number> } : {}),
  };
}

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
      return (result.Items ?? []).map(entryOf);
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
            // Only while still pending: an entry completed or dead-lettered meanwhile stays so.
            ConditionExpression: 'gsi2pk = :outbox',
            UpdateExpression: 'SET dueAt = :due, gsi2sk = :gsi2sk, lastError = :error ADD attempts :one',
            ExpressionAttributeValues: {
              ':outbox': keys.outboxPartition,
              ':due': dueAt,
              ':gsi2sk': keys.outboxIndex(dueAt, entry.caseId).gsi2sk,
              ':error': error.slice(0, 500),
              ':one': 1,
            },
          }),
        )
        .catch(ignoreConditionFailure);
    },

    async deadLetter(entry, at, error) {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: entry.key,
            // Only while still pending: an entry completed meanwhile stays completed.
            ConditionExpression: 'gsi2pk = :outbox',
            UpdateExpression: 'SET gsi2pk = :dead, gsi2sk = :gsi2sk, lastError = :error, deadLetteredAt = :at ADD attempts :one',
            ExpressionAttributeValues: {
              ':outbox': keys.outboxPartition,
              ':dead': keys.deadLetterPartition,
              ':gsi2sk': keys.deadLetterIndex(at, entry.caseId).gsi2sk,
              ':error': error.slice(0, 500),
              ':at': at,
              ':one': 1,
            },
          }),
        )
        .catch(ignoreConditionFailure);
    },

    async deadLetters() {
      const { items } = await queryAll(doc, {
        TableName: tableName,
        IndexName: INDEX.outbox,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.deadLetterPartition },
      });
      return items.map((item) => ({ ...entryOf(item), deadLetteredAt: String(item.deadLetteredAt), lastError: String(item.lastError ?? '') }));
    },

    async revive({ key, caseId }, at) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: 'gsi2pk = :dead',
            UpdateExpression: 'SET gsi2pk = :outbox, gsi2sk = :gsi2sk, dueAt = :at, attempts = :zero, revivedAt = :at REMOVE deadLetteredAt',
            ExpressionAttributeValues: {
              ':dead': keys.deadLetterPartition,
              ':outbox': keys.outboxPartition,
              ':gsi2sk': keys.outboxIndex(at, caseId).gsi2sk,
              ':at': at,
              ':zero': 0,
            },
          }),
        );
        return true;
      } catch (error) {
        ignoreConditionFailure(error);
        return false;
      }
    },
  };
}
