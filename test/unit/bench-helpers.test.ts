import { createRequire } from 'node:module';
import type { BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { folderOf, heaviestInputs, packageOf } from '../../infra/bench/bundles';
import { indexKeysWritten, itemLabel } from '../../infra/bench/capacity-meter';
import { describeOutcome, invocationEnvironment, lambdaEnvironment, outcomeSummary } from '../../infra/bench/cold-start';
import { esbuildOptionsFromCdk, outputFileName } from '../../infra/bench/hub-bundling';
import { itemSize, minimumReadUnits, numberSize, projectedItem, valueSize } from '../../infra/bench/item-size';
import { wrap } from '../../infra/bench/report';
import { median, percentile, summarize } from '../../infra/bench/stats';

/** The pure helpers of `npm run bench` (infra/bench): the arithmetic its figures rest on. */

describe('percentile and median', () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted

  it('takes the nearest rank: an observed value', () => {
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile(Array.from({ length: 500 }, (_, i) => i + 1), 99)).toBe(495);
  });

  it('averages the middle pair for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses what has no answer', () => {
    expect(() => percentile([], 50)).toThrow();
    expect(() => percentile([1], 0)).toThrow();
    expect(() => median([])).toThrow();
  });

  it('summarizes without changing the samples', () => {
    const copy = [...samples];
    expect(summarize(samples)).toMatchObject({ n: 100, min: 1, max: 100, p50: 50, p99: 99, mean: 50.5 });
    expect(samples).toEqual(copy);
  });
});

describe('DynamoDB item size', () => {
  it('counts strings in UTF-8 bytes and names with their values', () => {
    expect(valueSize('abc')).toBe(3);
    expect(valueSize('città')).toBe(6);
    expect(itemSize({ pk: 'CASE#1', n: undefined })).toBe(2 + 6);
  });

  it('counts numbers as 1 byte per two significant digits plus 1', () => {
    expect(numberSize(3)).toBe(2);
    expect(numberSize(1200)).toBe(2);
    expect(numberSize(4469)).toBe(3);
    expect(numberSize(12345)).toBe(4);
    expect(numberSize(0.5)).toBe(2);
  });

  it('counts lists and maps as 3 bytes, 1 per element, and the elements', () => {
    expect(valueSize([])).toBe(3);
    expect(valueSize(['ab', 'c'])).toBe(3 + (1 + 2) + (1 + 1));
    expect(valueSize({ name: 'X', code: '12' })).toBe(3 + (1 + 4 + 1) + (1 + 4 + 2));
    expect(valueSize(true)).toBe(1);
    expect(valueSize(null)).toBe(1);
  });

  it('agrees with dynalite on an ASCII item', () => {
    const require = createRequire(import.meta.url);
    const dynalite = require('dynalite/db/index.js') as { itemSize(item: Record<string, unknown>): number };
    const plain = { pk: 'CASE#01J', sk: 'CASE', patients: 4469, tags: ['fse', 'fhir'], facility: { name: 'Humanitas', code: '030906' }, ok: true };
    const marshalled = {
      pk: { S: 'CASE#01J' },
      sk: { S: 'CASE' },
      patients: { N: '4469' },
      tags: { L: [{ S: 'fse' }, { S: 'fhir' }] },
      facility: { M: { name: { S: 'Humanitas' }, code: { S: '030906' } } },
      ok: { BOOL: true },
    };
    expect(itemSize(plain)).toBe(dynalite.itemSize(marshalled));
  });

  it('projects an item onto an index: keys and included attributes only', () => {
    const item = { pk: 'a', sk: 'b', gsi1pk: 'S', gsi1sk: 't', title: 'x', summary: 'long', contact: {} };
    expect(projectedItem(item, ['pk', 'sk', 'gsi1pk', 'gsi1sk'], ['title', 'absent'])).toEqual({ pk: 'a', sk: 'b', gsi1pk: 'S', gsi1sk: 't', title: 'x' });
  });

  it('gives the unrounded eventually consistent minimum', () => {
    expect(minimumReadUnits(4096)).toBe(0.5);
    expect(minimumReadUnits(10 * 4096 + 2048)).toBe(5.25);
  });
});

describe('bundling options', () => {
  const bundling: BundlingOptions = {
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    target: 'node24',
    format: 'esm' as OutputFormat,
    banner: "import { createRequire } from 'module';",
    externalModules: [],
    mainFields: ['module', 'main'],
  };

  it('translates CDK bundling options as CDK passes them to esbuild', () => {
    const options = esbuildOptionsFromCdk({ entry: '/repo/functions/x/handler.ts', runtime: 'nodejs24.x', bundling }, '/out');
    expect(options).toMatchObject({
      entryPoints: ['/repo/functions/x/handler.ts'],
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      outfile: '/out/index.mjs',
      minify: true,
      sourcemap: 'linked',
      sourcesContent: false,
      external: [],
      banner: { js: bundling.banner },
      mainFields: ['module', 'main'],
      metafile: true,
    });
  });

  it("falls back to CDK's defaults: target from the runtime, the AWS SDK external, index.js", () => {
    const options = esbuildOptionsFromCdk({ entry: 'e.ts', runtime: 'nodejs22.x', bundling: {} }, '/out');
    expect(options).toMatchObject({ target: 'node22', external: ['@aws-sdk/*'], outfile: '/out/index.js', sourcemap: false, minify: false });
    expect(outputFileName({})).toBe('index.js');
  });

  it('refuses an option it does not translate, rather than build something else', () => {
    expect(() => esbuildOptionsFromCdk({ entry: 'e.ts', runtime: 'nodejs24.x', bundling: { nodeModules: ['zod'] } }, '/out')).toThrow(/nodeModules/);
  });

  it("translates esbuildArgs' aliases as CDK passes them (--alias:<name>=<path>) and refuses any other argument", () => {
    const alias = (esbuildArgs: Record<string, string | boolean | string[]>) => esbuildOptionsFromCdk({ entry: 'e.ts', runtime: 'nodejs24.x', bundling: { esbuildArgs } }, '/out').alias;
    expect(alias({ '--alias': '#case-schema=/repo/gen.mjs' })).toEqual({ '#case-schema': '/repo/gen.mjs' });
    expect(alias({ '--alias': ['a=/x.mjs', 'b=/y=z.mjs'] })).toEqual({ a: '/x.mjs', b: '/y=z.mjs' });
    expect(() => alias({ '--log-limit': '0' })).toThrow(/--log-limit/);
  });
});

describe('what weighs in a bundle', () => {
  it('names the package or our own folder of an input', () => {
    expect(packageOf('node_modules/zod/v4/core/schemas.js')).toBe('zod');
    expect(packageOf('node_modules/@smithy/core/dist-es/index.js')).toBe('@smithy/core');
    expect(packageOf('node_modules/a/node_modules/@x/y/z.js')).toBe('@x/y');
    expect(packageOf('shared/adapters/html/assets.ts')).toBe('(ours) shared/adapters/html');
    expect(folderOf('node_modules/zod/v4/locales/he.js')).toBe('zod/v4/locales');
  });

  it('ranks files, packages and folders by bytes in the output', () => {
    const inputs = {
      'node_modules/zod/v4/locales/he.js': { bytesInOutput: 10 },
      'node_modules/zod/v4/locales/ru.js': { bytesInOutput: 8 },
      'node_modules/zod/v4/core/schemas.js': { bytesInOutput: 15 },
      'shared/core/case.ts': { bytesInOutput: 3 },
    };
    const heaviest = heaviestInputs({ bytes: 36, inputs, imports: [], exports: [], entryPoint: 'x' } as never, 2);
    expect(heaviest.topInputs).toEqual([
      { path: 'node_modules/zod/v4/core/schemas.js', bytes: 15 },
      { path: 'node_modules/zod/v4/locales/he.js', bytes: 10 },
    ]);
    expect(heaviest.topPackages).toEqual([
      { path: 'zod', bytes: 33 },
      { path: '(ours) shared/core', bytes: 3 },
    ]);
    expect(heaviest.topFolders[0]).toEqual({ path: 'zod/v4/locales', bytes: 18 });
  });
});

describe('the capacity meter', () => {
  it('labels items by their keys', () => {
    expect(itemLabel('CASE#01J', 'CASE')).toBe('case');
    expect(itemLabel('CASE#01J', 'OUTBOX#receipt')).toBe('outbox#receipt');
    expect(itemLabel('CASE#01J', 'EVENT#2026-01-01T00:00:00.000Z#0000')).toBe('event');
    expect(itemLabel('REFERENCE#HUB-2026-ABCDEF', 'REFERENCE')).toBe('reference');
    expect(itemLabel('STATS', 'STATUS')).toBe('stats');
  });

  it('names the indexes whose keys a write sets or removes', () => {
    expect(indexKeysWritten({ Item: { pk: 'a', gsi1pk: 'S', gsi3pk: 'P' } })).toEqual(['byStatus', 'byPerson']);
    expect(indexKeysWritten({ UpdateExpression: 'REMOVE gsi2pk, gsi2sk, payload SET doneAt = :at' })).toEqual(['outbox']);
    expect(indexKeysWritten({ UpdateExpression: 'ADD #to :one' })).toEqual([]);
  });
});

describe('the table notes', () => {
  it('wrap at spaces within the width', () => {
    const lines = wrap('one two three four five six', 9);
    expect(lines).toEqual(['one two', 'three', 'four five', 'six']);
    expect(wrap('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
  });
});

describe('the first invocations of the cold-start figure', () => {
  it('say what each call did, a throw or an error status included', () => {
    expect(describeOutcome({ statusCode: 404 })).toBe('answered 404');
    expect(describeOutcome({ threw: 'Error: case 01J does not exist', statusCode: 200 })).toBe('threw: Error: case 01J does not exist');
    expect(describeOutcome({ threw: 'x'.repeat(100) })).toBe(`threw: ${'x'.repeat(79)}…`);
    expect(describeOutcome({ failedItems: 2 })).toBe('2 failed item(s)');
    expect(describeOutcome({ failedItems: 0 })).toBe('returned');
    expect(describeOutcome({})).toBe('returned');
  });

  it('summarize a series by its distinct outcomes, counted only when they differ', () => {
    expect(outcomeSummary(['answered 404', 'answered 404'])).toBe('answered 404');
    expect(outcomeSummary(['answered 201', 'answered 409', 'answered 409'])).toBe('answered 201 x1, answered 409 x2');
    expect(outcomeSummary([])).toBe('not run');
  });

  it('point the function at the local endpoints, with dummy credentials there only', () => {
    const atInit = lambdaEnvironment({ TABLE_NAME: 't' }, 'get-case-status');
    expect(atInit.AWS_ACCESS_KEY_ID).toBeUndefined();
    const env = invocationEnvironment(atInit, { dynamodb: 'http://127.0.0.1:1', ses: 'http://127.0.0.1:2', sfn: 'http://127.0.0.1:2', stateMachineArn: 'arn:sm' });
    expect(env).toMatchObject({
      TABLE_NAME: 't',
      AWS_LAMBDA_FUNCTION_NAME: 'get-case-status',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
      SES_ENDPOINT: 'http://127.0.0.1:2',
      SFN_ENDPOINT: 'http://127.0.0.1:2',
      STATE_MACHINE_ARN: 'arn:sm',
    });
    expect(env.AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeTruthy();
  });
});
