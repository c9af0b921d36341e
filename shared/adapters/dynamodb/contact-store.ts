import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConfirmedContacts } from '../../app/submit-case';
import { keys } from './keys';
import type { ContactStore } from '../../app/ports';
export type { ContactStore } from '../../app/ports';

export function createContactStore(doc: DynamoDBDocumentClient, tableName: string): ContactStore {
  return {
    async isConfirmed(partner, email) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.confirmedContact(partner, email) }));
      // An erased person confirms again: erasure removes the index entry and marks the item.
      return result.Item !== undefined && result.Item.erasedAt === undefined;
    },
    async remember(partner, email, at) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          // No address in the item: its key holds a hash, and the byPerson index finds it for erasure.
          Item: { ...keys.confirmedContact(partner, email), ...keys.person(email), type: 'confirmed-contact', partner, confirmedAt: at },
        }),
      );
    },
  };
}
