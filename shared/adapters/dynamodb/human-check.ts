import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { verifySolution } from '../../app/challenge';
import type { HumanCheck } from '../../app/submit-case';
import { createChallengeStore } from './challenge-store';

/** The form's proof of work: ALTCHA's verification, and a single-use record per solved challenge. */
export function createHumanCheck(doc: DynamoDBDocumentClient, tableName: string, hmacKey: string | undefined): HumanCheck {
  const spent = createChallengeStore(doc, tableName);
  return {
    async verify(solution, partnerId, now) {
      // Without a key no challenge was ever handed out, so none can be valid.
      if (!hmacKey) return { ok: false, reason: 'not-configured' };
      return verifySolution({ payload: solution, partnerId, now, hmacKey });
    },
    spend: (id, expiresAt) => spent.spend(id, expiresAt),
  };
}
