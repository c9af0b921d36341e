import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';
import layers from '../../.dependency-cruiser.mjs';

/** The layering rule of `.dependency-cruiser.mjs`, run over `shared/` and `functions/` (or a fixture tree). */
async function violations(paths: string[], options: Partial<ICruiseOptions> = {}): Promise<IViolation[]> {
  const { output } = await cruise(paths, { ...layers.options, ...options, validate: true, ruleSet: { forbidden: layers.forbidden } });
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  return result.summary.violations;
}

const brief = (list: IViolation[]) => list.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);

describe('the layers', () => {
  it('hold in shared/ and functions/', async () => {
    const { output } = await cruise(['shared', 'functions'], { ...layers.options, validate: true, ruleSet: { forbidden: layers.forbidden } });
    const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
    // The cruise reached the code: the use cases, the adapters and the functions.
    expect(result.summary.totalCruised).toBeGreaterThan(60);
    expect(result.modules.some((m) => m.source === 'shared/app/submit-case.ts')).toBe(true);
    expect(brief(result.summary.violations)).toEqual([]);
  }, 60_000);

  describe('in a fixture with imports against them', () => {
    const root = mkdtempSync(join(tmpdir(), 'layers-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'), 'dir');
    write('shared/core/rule.ts', "export const rule = 1;\n");
    write('shared/adapters/dynamodb/store.ts', "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport const store = DynamoDBDocumentClient;\n");
    write('shared/core/wrong.ts', "import { store } from '../adapters/dynamodb/store';\nimport { GetCommand } from '@aws-sdk/lib-dynamodb';\nexport const wrong = [store, GetCommand];\n");
    write('shared/app/wrong.ts', "import type { store } from '../adapters/dynamodb/store';\nimport { rule } from '../core/rule';\nexport type Wrong = typeof store;\nexport const right = rule;\n");
    write('shared/wiring.ts', "import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport type Client = DynamoDBDocumentClient;\n");
    write('functions/wrong/handler.ts', "import { store } from '../../shared/adapters/dynamodb/store';\nexport const handler = store;\n");

    it('names each wrong import, and only those', async () => {
      const found = brief(await violations(['shared', 'functions'], { baseDir: root, preserveSymlinks: true, tsConfig: undefined }));
      expect(found.sort()).toEqual([
        'app-uses-ports: shared/app/wrong.ts -> shared/adapters/dynamodb/store.ts',
        'core-is-pure: shared/core/wrong.ts -> node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js',
        'core-is-pure: shared/core/wrong.ts -> shared/adapters/dynamodb/store.ts',
        'functions-through-wiring: functions/wrong/handler.ts -> shared/adapters/dynamodb/store.ts',
        'sdk-only-in-adapters: shared/core/wrong.ts -> node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js',
        'sdk-only-in-adapters: shared/wiring.ts -> node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js',
      ]);
    }, 60_000);
  });
});
