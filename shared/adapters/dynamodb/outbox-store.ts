import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Effect, OutboxEntry } from '../../core/case-record';
import { whenConditionHolds } from './conditional';
import { FRESH_ATTRIBUTE, INDEX, keys } from './keys';
import { queryAll } from './query';
import type { DeadLetter, EntryAt, OutboxStore } from '../../app/ports';
export type { DeadLetter, EntryAt, OutboxStore } from '../../app/ports';

/**
 * The attributes that put an item in the outbox; spread them into the item's own write. The entry
 * is fresh: the table's stream hands the item to `react-to-commit`, which runs it at once.
 */
export function outboxAttributes(caseId: string, effect: Effect, dueAt: string, payload?: Record<string, string | number>) {
  return {
    ...keys.outboxIndex(dueAt, caseId),
    caseId,
    effect,
    attempts: 0,
    dueAt,
    [FRESH_ATTRIBUTE]: true,
    ...(payload ? { payload } : {}),
  };
}

/**
 * The condition of settling an entry (done, deferred, dead-lettered): the item still carries the
 * entry that was run, as leased (`entry.dueAt` is the lease's end).
 */
const HOLDS_LEASE = 'effect = :effect AND dueAt = :leased';
const leaseValues = (entry: OutboxEntry) => ({ ':effect': entry.effect, ':leased': entry.dueAt });

export function entryOf(item: Record<string, unknown>): OutboxEntry {
  return {
    key: { pk: String(item.pk), sk: String(item.sk) },
    caseId: String(item.caseId),
    effect: item.effect as Effect,
    attempts: Number(item.attempts ?? 0),
    dueAt: String(item.dueAt),
    ...(item.payload ? { payload: item.payload as Record<string, string | number> } : {}),
  };
}

/** The key of the item an outbox entry rides on (see `EntryAt`). */
export function entryKey(at: EntryAt): OutboxEntry['key'] {
  switch (at.on) {
    case 'case': return keys.case(at.caseId);
    case 'effect': return keys.outbox(at.caseId, at.effect, at.suffix);
    case 'review-request': return keys.reviewRequest(at.caseId, at.round, at.attempt, at.index);
    case 'amendment': return keys.amendment(at.caseId, at.round);
    case 'decision': return keys.decision(at.caseId, at.round);
  }
}

export function createOutboxStore(doc: DynamoDBDocumentClient, tableName: string): OutboxStore {
  return {
    entryKey,
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
      return whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: entry.key,
            // Whoever leases first runs the entry: the stream's handler, a duplicate record of the
            // same write, or the sweep. The mark goes, so no later write sends it down the stream.
            ConditionExpression: 'attribute_exists(gsi2pk) AND dueAt = :seen',
            UpdateExpression: 'SET dueAt = :lease, gsi2sk = :gsi2sk REMOVE #fresh',
            ExpressionAttributeNames: { '#fresh': FRESH_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':seen': entry.dueAt,
              ':lease': leaseUntil,
              ':gsi2sk': keys.outboxIndex(leaseUntil, entry.caseId).gsi2sk,
            },
          }),
        ),
      );
    },

    async enqueue({ key, caseId, effect, dueAt, payload }) {
      return whenConditionHolds(
        doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, type: 'outbox', ...outboxAttributes(caseId, effect, dueAt, payload) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async complete(entry, at) {
      await whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: entry.key,
            // Only under the lease it was run with: an item that carries a newer entry since (a
            // case item queues several in its life) keeps that one.
            ConditionExpression: HOLDS_LEASE,
            UpdateExpression: 'REMOVE gsi2pk, gsi2sk, payload, lastError, #fresh SET doneAt = :at',
            ExpressionAttributeNames: { '#fresh': FRESH_ATTRIBUTE },
            ExpressionAttributeValues: { ':at': at, ...leaseValues(entry) },
          }),
        ),
      );
    },

    async defer(entry, dueAt, error) {
      await whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: entry.key,
            // Only while still pending under this lease: an entry completed, dead-lettered or
            // replaced meanwhile stays so.
            ConditionExpression: `gsi2pk = :outbox AND ${HOLDS_LEASE}`,
            UpdateExpression: 'SET dueAt = :due, gsi2sk = :gsi2sk, lastError = :error ADD attempts :one',
            ExpressionAttributeValues: {
              ...leaseValues(entry),
              ':outbox': keys.outboxPartition,
              ':due': dueAt,
              ':gsi2sk': keys.outboxIndex(dueAt, entry.caseId).gsi2sk,
              ':error': error.slice(0, 500),
              ':one': 1,
            },
          }),
        ),
      );
    },

    async deadLetter(entry, at, error) {
      await whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: entry.key,
            // Only while still pending under this lease: an entry completed meanwhile stays completed.
            ConditionExpression: `gsi2pk = :outbox AND ${HOLDS_LEASE}`,
            UpdateExpression: 'SET gsi2pk = :dead, gsi2sk = :gsi2sk, lastError = :error, deadLetteredAt = :at ADD attempts :one',
            ExpressionAttributeValues: {
              ...leaseValues(entry),
              ':outbox': keys.outboxPartition,
              ':dead': keys.deadLetterPartition,
              ':gsi2sk': keys.deadLetterIndex(at, entry.caseId).gsi2sk,
              ':error': error.slice(0, 500),
              ':at': at,
              ':one': 1,
            },
          }),
        ),
      );
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
      return whenConditionHolds(
        doc.send(
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
        ),
      );
    },
  };
}
