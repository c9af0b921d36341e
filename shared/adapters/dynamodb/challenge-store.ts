import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional';
import { keys } from './keys';

/** The form's solved challenges, each good for one post. */
export interface ChallengeStore {
  /**
   * Marks a challenge spent. True the first time, false for a replay. `expiresAt` (epoch
   * seconds, the challenge's own expiry) is the item's TTL: after it the challenge is refused as
   * expired anyway, so DynamoDB may forget it.
   */
  spend(id: string, expiresAt: number): Promise<boolean>;
}

export function createChallengeStore(doc: DynamoDBDocumentClient, tableName: string): ChallengeStore {
  return {
    async spend(id, expiresAt) {
      return whenConditionHolds(
        doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.challenge(id), type: 'challenge', expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
  };
}
