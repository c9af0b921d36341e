/**
 * How the table's stream feeds `react-to-commit`, read by the CDK stack and by the embedded
 * runtime's stream, so both deliver the same records with the same retries.
 */
import { FRESH_ATTRIBUTE } from '../../shared/adapters/dynamodb/keys';

export const COMMIT_STREAM = {
  /**
   * Lambda event filter: only images that a commit left with a fresh outbox entry. Leasing the
   * entry removes the mark, so the writes that settle an entry never trigger the function again.
   */
  filter: { dynamodb: { NewImage: { [FRESH_ATTRIBUTE]: { BOOL: [true] } } } },
  batchSize: 10,
  /** Attempts after the first before a batch goes to the on-failure destination (the sweep still has every entry). */
  retryAttempts: 4,
  /** Records older than this are sent to the on-failure destination unprocessed; the sweep runs them. */
  maxRecordAgeSeconds: 3600,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
} as const;
