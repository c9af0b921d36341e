import { describe, expect, it } from 'vitest';
import { localTableDefinition } from '../../infra/local/table';
import { RETIRED_STATUS_INDEX } from '../../infra/stacks/stateful-stack';
import { synthStage } from './synth';

describe('the embedded runtime’s table', () => {
  it('has the keys and indexes of the table the stateful stack deploys, but the retired one', () => {
    const { stateful } = synthStage('dev');
    const [table] = Object.values(stateful.findResources('AWS::DynamoDB::Table')) as { Properties: Record<string, unknown> }[];
    const local = localTableDefinition('hub-intake');
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(list: T[]) =>
      [...list].sort((a, b) => String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)));
    expect(table?.Properties.KeySchema).toEqual(local.KeySchema);
    expect(byName(table?.Properties.AttributeDefinitions as { AttributeName: string }[])).toEqual(byName(local.AttributeDefinitions ?? []));
    const deployed = byName(table?.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).filter((index) => index.IndexName !== RETIRED_STATUS_INDEX.name);
    expect(deployed).toEqual(byName(local.GlobalSecondaryIndexes ?? []));
  });
});
