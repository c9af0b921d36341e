import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { reactToCommits } from '../../shared/app/effects';
import { freshEntriesOf } from '../../shared/adapters/dynamodb/outbox-stream';
import { log } from '../../shared/log';
import { sweepDeps } from '../../shared/wiring';

/**
 * The table's stream, filtered to the items a commit left with a fresh outbox entry: runs each
 * entry once (the lease decides who runs it) and reports the records whose bookkeeping failed,
 * so that Lambda retries from there. An effect's own failure is settled in the outbox (a later
 * retry by the sweep), never by failing the batch.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const fresh = freshEntriesOf(event.Records);
  const failed = await reactToCommits(sweepDeps(), fresh);
  if (failed.length > 0) log.error('stream records not processed; Lambda retries them', { failed: failed.length, records: event.Records.length });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
