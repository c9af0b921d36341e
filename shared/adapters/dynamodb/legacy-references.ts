import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { caseIdFor } from '../../core/ids';
import { whenConditionHolds } from './conditional';
import { keys } from './keys';

/** The item type that holds a case's key for a reference an older case already has. */
export const RESERVED_REFERENCE = 'reserved-reference';

/**
 * Reserves the references of the cases stored before a case's id was made from its reference:
 * those cases kept their time-ordered ids and a `REFERENCE#` claim, which new submissions no
 * longer read. For each claim, the key a new case with that reference would take is held by a
 * reservation, so that a new case meets it and takes another reference. Once per stage, before
 * its first submission under the new scheme; safe to run again. An ops command (a Scan), never
 * a function's.
 */
export async function reserveLegacyReferences(doc: DynamoDBDocumentClient, tableName: string): Promise<{ claims: number; reserved: number }> {
  let claims = 0;
  let reserved = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': keys.reference('').pk },
        ExclusiveStartKey: start,
      }),
    );
    for (const claim of page.Items ?? []) {
      const reference = String(claim.reference);
      const id = caseIdFor(reference);
      claims += 1;
      if (claim.caseId === id) continue;
      const put = doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.case(id), type: RESERVED_REFERENCE, reference, caseId: claim.caseId },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      if (await whenConditionHolds(put)) reserved += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { claims, reserved };
}
