import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional';
import type { MailCaps } from '../../app/effects';
import { keys } from './keys';

/** Per-address daily mail counters: one conditional ADD each, expiring two days later. */
export function createMailCapStore(doc: DynamoDBDocumentClient, tableName: string): MailCaps {
  return {
    async take(email, kind, day, cap) {
      const expiresAt = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + 2 * 86_400;
      return whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.mailCap(email, kind, day),
            ConditionExpression: 'attribute_not_exists(sent) OR sent < :cap',
            UpdateExpression: 'ADD sent :one SET #type = :type, expiresAt = :expiresAt',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':one': 1, ':cap': cap, ':type': 'mail-cap', ':expiresAt': expiresAt },
          }),
        ),
      );
    },
  };
}
