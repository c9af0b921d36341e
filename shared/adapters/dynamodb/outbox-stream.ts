import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { FreshEntry } from '../../app/ports';
import { FRESH_ATTRIBUTE, keys } from './keys';
import { entryOf } from './outbox-store';

/**
 * The outbox entries that the writes of a DynamoDB stream batch left fresh, each named by its
 * record's sequence number (what a partial batch failure reports). A record without the mark is
 * skipped here as the event filter skips it on AWS: the embedded stream may hand over anything.
 */
export function freshEntriesOf(records: readonly DynamoDBRecord[]): FreshEntry[] {
  const fresh: FreshEntry[] = [];
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if (!image || record.eventName === 'REMOVE') continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item[FRESH_ATTRIBUTE] !== true || item.gsi2pk !== keys.outboxPartition) continue;
    fresh.push({ id: record.dynamodb?.SequenceNumber ?? record.eventID ?? '', entry: entryOf(item) });
  }
  return fresh;
}
