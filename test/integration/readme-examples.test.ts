import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { startTestRuntime } from '../support/runtime';

/**
 * The README's shell examples, run as a reader would paste them: every `sh` block is either run
 * here (against a runtime the test starts, with `localhost:3000` pointed at it, and ops commands
 * on a data folder of their own) or named with the reason it is not, so a new example cannot go
 * untried unnoticed.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

let runtime: Runtime;
let dataDir: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  dataDir = await mkdtemp(join(tmpdir(), 'readme-examples-'));
});
afterAll(async () => {
  await runtime?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The `sh` blocks of the README, each as its lines. */
async function shellBlocks(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/** Runs a snippet in bash, with the example's host pointed at the test's runtime. */
async function shell(snippet: string, env: Record<string, string> = {}, cwd = ROOT): Promise<string> {
  const script = snippet.replaceAll('http://localhost:3000', runtime.url).replaceAll('localhost:3000', runtime.url);
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    env: { ...process.env, DATA_DIR: dataDir, ...env },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

type Plan = { first: RegExp } & ({ skip: string } | { run: (block: string) => Promise<void> });

const PLANS: Plan[] = [
  { first: /^npm ci\b/, skip: 'installs the dependencies, serves until stopped, and runs this very suite' },
  { first: /^REVIEW_WINDOW_SECONDS=.* npm start$/, skip: 'serves until stopped; the runtime-console suite starts npm start with its settings' },
  { first: /^REVIEWERS='\[.*npm start$/, skip: 'serves until stopped; review-expiry starts the runtime with reviewers and coordinators in JSON, and the routing unit tests read both forms' },
  { first: /^npm start +# in one terminal/, skip: 'serves until stopped; the demo suite runs npm run demo against a runtime' },
  { first: /^npm run bench\b/, skip: 'minutes of measurements on a quiet machine; its helpers are unit-tested' },
  {
    first: /^curl -sOJ 'http:\/\/localhost:3000\/catalog\.xlsx/,
    async run(block) {
      // -O writes files where it runs: a folder of the test's own.
      const folder = await mkdtemp(join(tmpdir(), 'readme-exports-'));
      try {
        const printed = await shell(block, {}, folder);
        expect(await readdir(folder).then((names) => names.sort())).toEqual(['hub-intake-catalogo.xlsx', 'hub-intake-catalogue.xlsx']);
        for (const name of ['hub-intake-catalogo.xlsx', 'hub-intake-catalogue.xlsx']) {
          expect((await readFile(join(folder, name))).subarray(0, 2).toString()).toBe('PK');
        }
        // The two CSVs: the machine header with ',' then the Italian one with ';'.
        expect(printed).toContain('"id","reference","title"');
        expect(printed).toContain('"Riferimento";"Titolo"');
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  },
  {
    first: /^curl -s localhost:3000\/openapi\.json /,
    async run(block) {
      // One command at a time: the JSON answers end without a line break.
      const commands = block.replace(/\\\n/g, '').trim().split('\n');
      expect(commands).toHaveLength(4);
      const [openapi, linkIds, bundle, dha] = await Promise.all(commands.map(async (command) => (await shell(command)).trim()));
      expect(openapi).toBe('3.1.0');
      expect(linkIds!.split(' ')).toEqual(expect.arrayContaining(['title', 'facility', 'facility.name', 'contact.email', 'clinicalAreas']));
      expect(JSON.parse(bundle!)).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: expect.any(Number) });
      expect(JSON.parse(dha!)).toMatchObject({ projects: expect.any(Array), total: expect.any(Number) });
    },
  },
  {
    first: /^npm run invoke -- submit-case /,
    async run(block) {
      const printed = await shell(block);
      expect(printed).toMatch(/"statusCode": 201/);
    },
  },
  {
    first: /^npm run partner-key -- create /,
    async run(block) {
      const [create, list, revoke] = block.trim().split('\n');
      const created = await shell(create!);
      const keyId = /Created key (\S+) for humanitas/.exec(created)?.[1];
      expect(keyId, created).toBeTruthy();
      expect(created).toMatch(new RegExp(`hub_humanitas_${keyId}_\\S{43}`));
      expect(await shell(list!)).toMatch(new RegExp(`${keyId}\\s+live`));
      await shell(revoke!.replace('<KEY_ID>', keyId!));
      expect(await shell(list!)).toMatch(new RegExp(`${keyId}\\s+revoked`));
    },
  },
  {
    first: /^npm run -s report-text -- show --json > texts\.json$/,
    async run(block) {
      // The file goes to a folder of the test's own, not the project's.
      const folder = await mkdtemp(join(tmpdir(), 'readme-report-text-'));
      try {
        const [show, set, history] = block.replaceAll('texts.json', join(folder, 'texts.json')).trim().split('\n');
        await shell(show!);
        const texts = JSON.parse(await readFile(join(folder, 'texts.json'), 'utf8')) as { findings: unknown[]; recommendations: unknown[] };
        expect([texts.findings.length, texts.recommendations.length]).toEqual([6, 6]);
        expect(await shell(set!)).toMatch(/^Saved version 1 of the report's texts .* by Redazione dello Hub at /m);
        expect(await shell(history!)).toMatch(/^ {3}1 {2}\S+ {2}Redazione dello Hub {2}\(6 findings, 6 recommendations\)\n {3}0 {2}the default texts/m);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  },
  {
    first: /^curl -s localhost:3000\/_local\/partner-keys /,
    async run(block) {
      const answer = JSON.parse(await shell(block)) as { partner: string; key: string };
      expect(answer).toMatchObject({ partner: 'humanitas', key: expect.stringMatching(/^hub_humanitas_/) });
    },
  },
  {
    first: /^KEY=\$\(curl -s localhost:3000\/_local\/partner-keys /,
    async run(block) {
      const answer = JSON.parse(await shell(block)) as { reference: string; status: string; statusUrl: string };
      expect(answer).toMatchObject({ reference: expect.stringMatching(/^HUB-\d{4}-/), status: 'submitted' });
      // The same request again (the same Idempotency-Key) is a replay: the same case.
      const again = JSON.parse(await shell(block)) as { reference: string };
      expect(again.reference).toBe(answer.reference);
    },
  },
];

describe("the README's shell examples", () => {
  it('are each run here or named with the reason they are not', async () => {
    const blocks = await shellBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(PLANS.length);
    for (const block of blocks) {
      const first = block.split('\n')[0]!;
      const plans = PLANS.filter((plan) => plan.first.test(first));
      expect(plans, `README block starting "${first}"`).toHaveLength(1);
    }
    for (const plan of PLANS) expect(blocks.some((block) => plan.first.test(block.split('\n')[0]!)), String(plan.first)).toBe(true);
  });

  it.each(PLANS.filter((plan): plan is Extract<Plan, { run: unknown }> => 'run' in plan).map((plan) => [String(plan.first), plan] as const))(
    'run as written: %s',
    async (_, plan) => {
      const block = (await shellBlocks()).find((candidate) => plan.first.test(candidate.split('\n')[0]!));
      await plan.run(block!);
    },
    180_000,
  );

  it('run as written: the inline curl of the CSV export', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const inline = [...readme.matchAll(/`(curl [^`]*localhost:3000[^`]*)`/g)].map((match) => match[1]!);
    expect(inline.length).toBeGreaterThan(0);
    for (const command of inline) {
      const printed = await shell(command);
      expect(printed, command).toMatch(/^HTTP\/1\.1 200/);
    }
  });
});
