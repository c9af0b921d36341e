import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { reactToCommits } from '../../shared/app/effects';
import { log } from '../../shared/log';
import { streamDeps } from '../../shared/wiring';

/**
 * The table's stream, filtered to the items a commit left with a fresh outbox entry: runs each
 * entry once (the lease decides who runs it) and reports the records whose bookkeeping failed,
 * so that Lambda retries from there. An effect's own failure is settled in the outbox (a later
 * retry by the sweep), never by failing the batch.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const { effects, freshEntriesOf } = streamDeps();
  const failed = await reactToCommits(effects, freshEntriesOf(event.Records));
  if (failed.length > 0) log.error('stream records not processed; Lambda retries them', { failed: failed.length, records: event.Records.length });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
