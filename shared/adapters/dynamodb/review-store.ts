import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashSecret } from '../../core/ids';
import { whenConditionHolds } from './conditional';
import type { AmendmentRecord, Decision, DecisionRecord, ReviewRequest } from '../../core/review';
import type { CaseEvent } from '../../core/case-record';
import { REQUEST_REASONS, type RequestReason, type ReviewerRole } from '../../core/reviewers';
import { keys } from './keys';
import { outboxAttributes } from './outbox-store';
import { queryAll } from './query';
import type { ReviewStore } from '../../app/ports';
export type { ReviewStore } from '../../app/ports';

function decisionFromItem(item: Record<string, unknown>): DecisionRecord {
  return {
    caseId: String(item.caseId),
    round: Number(item.round),
    decision: item.decision as Decision,
    ...(typeof item.comment === 'string' ? { comment: item.comment } : {}),
    reviewer: String(item.reviewer),
    ...(item.role === 'coordinator' ? { role: 'coordinator' as const } : {}),
    at: String(item.at),
  };
}

const roleOf = (item: Record<string, unknown>): ReviewerRole => (item.role === 'coordinator' ? 'coordinator' : 'reviewer');
const reasonOf = (item: Record<string, unknown>): RequestReason =>
  REQUEST_REASONS.find((reason) => reason === item.reason) ?? (Number(item.attempt) > 0 ? 'reminder' : 'review');

/**
 * The audit event of one review request: who was asked, in which round, attempt and why, at the
 * request's own time. Its key comes from the request's, so writing it again writes the same item.
 */
function requestEventItem(caseId: string, index: number, request: Record<string, unknown>) {
  const at = String(request.createdAt);
  const email = String(request.reviewer);
  const round = Number(request.round);
  const attempt = Number(request.attempt);
  return {
    ...keys.requestEvent(caseId, at, Number(request.revision ?? 1), round, attempt, index),
    ...keys.person(email),
    type: 'event',
    event: {
      at,
      type: 'review-requested',
      actor: { type: 'system', name: 'case-review' },
      asked: { email, role: roleOf(request), ...(typeof request.organisation === 'string' ? { organisation: request.organisation } : {}) },
      round,
      attempt,
      reason: reasonOf(request),
    } satisfies CaseEvent,
  };
}

export function createReviewStore(doc: DynamoDBDocumentClient, tableName: string): ReviewStore {
  const get = async (Key: { pk: string; sk: string }) =>
    (await doc.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }))).Item;

  const putOnce = async (Item: Record<string, unknown>) =>
    whenConditionHolds(doc.send(new PutCommand({ TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' })));

  return {
    async saveTaskToken(caseId, kind, round, token, at) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.task(caseId, kind, round),
          UpdateExpression: 'SET taskToken = :token, updatedAt = :at, #type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':token': token, ':at': at, ':type': 'task' },
        }),
      );
    },

    async taskToken(caseId, kind, round) {
      const item = await get(keys.task(caseId, kind, round));
      return typeof item?.taskToken === 'string' ? item.taskToken : undefined;
    },

    async createRequest({ caseId, round, attempt, index, reviewer, role, organisation, reason, reviewId, expiresAt, createdAt, mailDueAt, revision }) {
      const reviewIdHash = hashSecret(reviewId);
      const requestKey = keys.reviewRequest(caseId, round, attempt, index);
      // The link item first: if the request then exists already (a retried task), this link is an orphan that opens nothing.
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.reviewLink(reviewIdHash), type: 'review-link', caseId, requestSk: requestKey.sk, expiresAt },
        }),
      );
      const item = {
        ...requestKey,
        ...keys.person(reviewer),
        type: 'review-request',
        caseId,
        round,
        attempt,
        reviewer,
        role: role ?? 'reviewer',
        ...(organisation ? { organisation } : {}),
        reason: reason ?? (attempt > 0 ? 'reminder' : 'review'),
        reviewIdHash,
        expiresAt,
        createdAt,
        ...(revision !== undefined ? { revision } : {}),
      };
      const created = await putOnce({ ...item, ...outboxAttributes(caseId, 'review-mail', mailDueAt, { reviewId, reviewer, attempt, expiresAt, reason: item.reason }) });
      // The audit event after the request, from the request as stored: a retry after a crash between the two writes it then.
      const stored = created ? item : await get(requestKey);
      if (stored) await doc.send(new PutCommand({ TableName: tableName, Item: requestEventItem(caseId, index, stored) }));
      return created;
    },

    async findRequest(reviewId) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(reviewId)) return undefined;
      const reviewIdHash = hashSecret(reviewId);
      const link = await get(keys.reviewLink(reviewIdHash));
      if (!link) return undefined;
      const request = await get({ pk: keys.casePartition(String(link.caseId)), sk: String(link.requestSk) });
      if (!request || request.reviewIdHash !== reviewIdHash) return undefined;
      return {
        caseId: String(request.caseId),
        round: Number(request.round),
        attempt: Number(request.attempt),
        reviewer: String(request.reviewer),
        role: roleOf(request),
        ...(typeof request.organisation === 'string' ? { organisation: request.organisation } : {}),
        reason: reasonOf(request),
        reviewIdHash,
        expiresAt: String(request.expiresAt),
        createdAt: String(request.createdAt),
      };
    },

    async attemptLinks(caseId, round, attempt) {
      // Every link of an attempt is made with the same expiry and reason, the first (index 0) before the others.
      const item = await get(keys.reviewRequest(caseId, round, attempt, 0));
      return typeof item?.expiresAt === 'string' ? { expiresAt: item.expiresAt, reason: reasonOf(item) } : undefined;
    },

    async recordDecision(decision) {
      // The decision item is also the outbox entry that delivers it to the workflow: one write, both or neither.
      const recorded = await putOnce({
        ...keys.decision(decision.caseId, decision.round),
        ...keys.person(decision.reviewer),
        type: 'decision',
        ...decision,
        ...outboxAttributes(decision.caseId, 'deliver-decision', decision.at, { round: decision.round, decision: decision.decision }),
      });
      if (recorded) return { recorded: true };
      const existing = await get(keys.decision(decision.caseId, decision.round));
      if (!existing) throw new Error('decision vanished between write and read');
      return { recorded: false, existing: decisionFromItem(existing) };
    },

    async decision(caseId, round) {
      const item = await get(keys.decision(caseId, round));
      return item ? decisionFromItem(item) : undefined;
    },

    async decisions(caseId) {
      // Every page: a query stops at 1 MB, and a case's partition holds its whole history.
      const { items } = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.casePartition(caseId), ':prefix': keys.decisionPrefix },
        ConsistentRead: true,
      });
      return items.map(decisionFromItem);
    },

    async createAmendment({ caseId, round, editToken, editTokenHash, expiresAt, baseVersion, mailDueAt }) {
      return putOnce({
        ...keys.amendment(caseId, round),
        type: 'amendment',
        round,
        editTokenHash,
        expiresAt,
        baseVersion,
        ...outboxAttributes(caseId, 'changes-mail', mailDueAt, { editToken, round, expiresAt }),
      });
    },

    async amendment(caseId, round) {
      const item = await get(keys.amendment(caseId, round));
      if (!item) return undefined;
      return {
        caseId: String(item.caseId),
        round: Number(item.round),
        editTokenHash: String(item.editTokenHash),
        expiresAt: String(item.expiresAt),
        baseVersion: Number(item.baseVersion),
      };
    },
  };
}
