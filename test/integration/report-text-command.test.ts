import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_TEXTS, type ReportTexts } from '../../shared/core/report-texts';

const run = promisify(execFile);
let dir: string;
let dataDir: string;

/** `npm run report-text -- ...` on a data folder of its own; resolves with what it printed and its exit code. */
async function reportText(...args: string[]) {
  try {
    const { stdout, stderr } = await run(join('node_modules', '.bin', 'tsx'), ['infra/ops/report-text.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, TABLE_NAME: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const edited: ReportTexts = {
  findings: [{ title: { it: 'Un risultato della redazione', en: 'A finding of the editors' }, text: { it: 'Primo paragrafo.\n\nSecondo.', en: 'First paragraph.\n\nSecond.' } }],
  recommendations: DEFAULT_REPORT_TEXTS.recommendations,
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-text-'));
  dataDir = join(dir, 'data');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run report-text', () => {
  it('shows the default texts as version 0 before any save, as a file set takes', async () => {
    const history = await reportText('history');
    expect(history.code).toBe(0);
    expect(history.stdout).toContain('0  the default texts of the release (in force');
    const shown = await reportText('show', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(DEFAULT_REPORT_TEXTS);
    expect((await reportText('show')).stdout).toContain('Version 0: the default texts');
  });

  it('saves each file as a new version with who and when, shows it and lists them all', async () => {
    const first = await reportText('set', '--file', await file('texts.json', edited), '--by', 'Maria Rossi');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Saved version 1 of the report's texts .*by Maria Rossi at \d{4}-/);
    const second = await reportText('set', '--file', await file('texts2.json', DEFAULT_REPORT_TEXTS), '--by', 'Luca Bianchi');
    expect(second.stdout).toContain('Saved version 2');

    const history = (await reportText('history')).stdout.trimEnd().split('\n');
    expect(history).toHaveLength(3);
    expect(history[0]).toMatch(/^ {3}2 {2}\d{4}-\d\d-\d\dT.+Z {2}Luca Bianchi {2}\(6 findings, 6 recommendations\)$/);
    expect(history[1]).toMatch(/^ {3}1 .+Maria Rossi {2}\(1 findings, 6 recommendations\)$/);
    expect(history[2]).toBe('   0  the default texts of the release');

    expect(JSON.parse((await reportText('show', '--json', '--version', '1')).stdout)).toEqual(edited);
    const current = await reportText('show');
    expect(current.stdout).toMatch(/^Version 2, saved .+ by Luca Bianchi/);
    const missing = await reportText('show', '--version', '9');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No version 9');
  });

  it('refuses a bad file with a clear error and saves nothing', async () => {
    const invalid = await reportText('set', '--file', await file('bad.json', { findings: [{ title: { it: 'Solo italiano' }, text: { it: 'x', en: 'y' } }], recommendations: [], notes: 'x' }));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('is not valid texts; nothing was saved');
    expect(invalid.stderr).toContain('findings.0.title.en:');
    expect(invalid.stderr).toContain('recommendations:');
    expect(invalid.stderr).not.toMatch(/\n\s+at /);

    const notJson = await reportText('set', '--file', await file('bad.txt', '{"findings": ['));
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/bad\.txt is not JSON: .+ Nothing was saved\./);

    const absent = await reportText('set', '--file', join(dir, 'nowhere.json'));
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('Cannot read');

    const usage = await reportText('set');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run report-text');

    // Still the two versions saved above.
    expect((await reportText('history')).stdout.trimEnd().split('\n')).toHaveLength(3);
  });

  it('ends quietly when its reader stops early, as `show | head` does: no stack trace', async () => {
    const { stdout, stderr } = await run('sh', ['-c', `${join('node_modules', '.bin', 'tsx')} infra/ops/report-text.ts show | head -n 1`], {
      env: { ...process.env, DATA_DIR: dataDir, TABLE_NAME: '' },
    });
    expect(stdout).toMatch(/^Version \d+/);
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toContain('Error');
  }, 30_000);
});
