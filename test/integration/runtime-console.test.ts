import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../infra/paths';
import { settingsFromEnv, startRuntime } from '../../infra/local/runtime';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

describe('a start of the embedded runtime that cannot go on', () => {
  it('stops on a configuration no function could use, naming the value, and leaves nothing running', async () => {
    await expect(startTestRuntime({ REVIEWERS: 'not an email' })).rejects.toThrow(/REVIEWERS\.0: Invalid email address/);
    await expect(startTestRuntime({ COORDINATORS: '[{"email": "c@hub.example.org", "organisation": "humanitass"}]' })).rejects.toThrow(
      /COORDINATORS\.0\.organisation: organisation "humanitass" is no configured partner id/,
    );
    // Everything it had started was stopped: the next start works.
    const runtime = await startTestRuntime();
    expect((await fetch(`${runtime.url}/metrics`)).status).toBeLessThan(500);
    await runtime.close();
  });

  it('says a busy port is busy and what to do, instead of a stack trace', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      await expect(startTestRuntime({ PORT: String(port) })).rejects.toThrow(`port ${port} is in use (another hub-intake?). Start with PORT=0 for any free port, or another PORT.`);
    } finally {
      holder.close();
    }
  });
});

describe('the access log of the embedded runtime', () => {
  it('gives each request a line with its time, method, route, status and duration, and no ids', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    const runtime = await startRuntime({ ...settingsFromEnv({ PORT: '0', DATA_DIR: 'memory' }), accessLog: true, sweepEverySeconds: 3600, aggregateEverySeconds: 3600 });
    try {
      await fetch(`${runtime.url}/cases/3Q8ZK2M7TV4XW9B1C6D0E5F2GH?token=secret`);
    } finally {
      await runtime.close();
      log.mockRestore();
    }
    const line = lines.find((text) => text.includes('/cases/{id}'));
    expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z GET \/cases\/\{id\} 404 \d+ms$/);
    expect(lines.join('\n')).not.toContain('3Q8ZK2M7TV4XW9B1C6D0E5F2GH');
  });
});

/** A command of the project run as its npm script runs it: `node --import tsx <file> ...args`. */
function spawnCommand(file: string, args: string[], env: Record<string, string>): ChildProcess & { output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: REPO_ROOT,
    // The functions' settings an in-process runtime of this suite left in process.env are no settings of the child's.
    env: { ...process.env, TABLE_NAME: '', STAGE: '', ESCALATION_WINDOW_SECONDS: '', ACCESS_LOG: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

/** Runs a command to its end: its exit code and what it printed. */
async function runCommand(file: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCommand(file, args, env);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, ...child.output() };
}

/** `npm start` in a process of its own, once it prints its banner. */
async function npmStart(env: Record<string, string>): Promise<{ url: string; pid: number; banner: string; stop(): Promise<void> }> {
  const child = spawnCommand('infra/local/main.ts', [], { PORT: '0', ...env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await waitFor(
    'the banner',
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}: ${child.output().stderr}`);
      return child.output().stdout.includes('Ctrl+C stops it') ? child.output().stdout.match(/hub-intake listening on (\S+)/)?.[1] : undefined;
    },
    120_000,
  );
  return {
    url,
    pid: child.pid!,
    banner: child.output().stdout,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What a one-line refusal looks like: one line on stderr, a non-zero exit, no stack trace. */
function expectOneLine(result: { code: number | null; stdout: string; stderr: string }, ...parts: (string | RegExp)[]) {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  const lines = result.stderr.split('\n').filter((line) => line.trim() && !/NodeVersionSupportWarning|node >=22|upgrade to node|a\.co\/|trace-warnings|^\s*$|versions published|will require node|To continue receiving|security updates|More information/.test(line));
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  for (const part of parts) expect(lines[0]).toMatch(part);
}

describe('npm start and the ops commands on a data folder a running npm start holds', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-intake-held-'));
  let held: Awaited<ReturnType<typeof npmStart>>;

  beforeAll(async () => {
    held = await npmStart({ DATA_DIR: dataDir, REVIEW_WINDOW_SECONDS: '10', REMINDERS: '1', AMEND_WINDOW_SECONDS: '10' });
  }, 150_000);
  afterAll(async () => {
    await held?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the landing page, the links and the review timing in force in its banner, and every link answers', async () => {
    expect(held.banner).toContain(`start here:     ${held.url}/`);
    for (const name of ['form', 'mailbox', 'mailbox JSON', 'dashboard', 'catalogue', 'schema', 'embed.js']) expect(held.banner).toMatch(new RegExp(`^  ${name}: +http`, 'm'));
    expect(held.banner).toMatch(/^ {2}review window: +10 s \(REVIEW_WINDOW_SECONDS=10\)$/m);
    expect(held.banner).toMatch(/^ {2}reminders: +1 reminder, each with a new window of 10 s, then the case escalates to the coordinators \(REMINDERS=1\)$/m);
    expect(held.banner).toMatch(/^ {2}escalation: +10 s for the coordinators, then the case expires \(ESCALATION_WINDOW_SECONDS=10\)$/m);
    expect(held.banner).toMatch(/^ {2}changes window: +10 s \(AMEND_WINDOW_SECONDS=10\)$/m);
    expect(held.banner).toContain(`data:           in ${dataDir}, mailbox included`);
    const urls = [...held.banner.matchAll(/^ {2}[\w .]+: +(http\S+)$/gm)].map((match) => match[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(8);
    for (const url of urls) expect((await fetch(url)).status, url).toBe(200);
  });

  it('answers / with a landing page in Italian and English, under the strict policy, whose links all answer', async () => {
    for (const [lang, heading, timing] of [
      ['it', 'hub-intake in locale', 'Finestra di revisione</dt><dd>10 s'],
      ['en', 'hub-intake on this machine', 'Review window</dt><dd>10 s'],
    ] as const) {
      const response = await fetch(`${held.url}/`, { headers: { 'accept-language': lang } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      const body = await response.text();
      expect(body).toContain(`<html lang="${lang}">`);
      expect(body).toContain(`<h1>${heading}</h1>`);
      expect(body).toContain(timing);
      expect(body).not.toMatch(/<script|style=/);
      const hrefs = [...body.matchAll(/<a href="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
      for (const path of ['/form?partner=humanitas', '/_local/mail', '/dashboard', '/catalog', '/schema/case.json']) expect(hrefs.some((href) => href.startsWith(path)), path).toBe(true);
      expect(hrefs.some((href) => href.startsWith('http://127.0.0.1:'))).toBe(true);
      // The report, in the page's language.
      expect(hrefs).toContain(`/report?lang=${lang}`);
      for (const href of hrefs) expect((await fetch(new URL(href, held.url))).status, href).toBe(200);
    }
    expect((await fetch(`${held.url}/?lang=en`)).headers.get('content-language')).toBe('en');
  });

  it('refuses a second npm start on the same folder in one line that names the first and what to do', async () => {
    const second = await runCommand('infra/local/main.ts', [], { PORT: '0', DATA_DIR: dataDir });
    expectOneLine(second, `hub-intake could not start: The data folder ${dataDir} is in use by another hub-intake (pid ${held.pid}, ${held.url}).`, /Stop it, or start this one with another DATA_DIR/);
  }, 120_000);

  it('has every ops command refuse in one line that says to stop npm start, use its route, or use another DATA_DIR', async () => {
    const commands: [string, string, string[]][] = [
      ['npm run partner-key', 'infra/ops/partner-key.ts', ['create', '--partner', 'humanitas']],
      ['npm run partner-key', 'infra/ops/partner-key.ts', ['list', '--partner', 'humanitas']],
      ['npm run erase', 'infra/ops/personal-data.ts', ['erase', '--email', 'maria.rossi@example.org']],
      ['npm run export-personal', 'infra/ops/personal-data.ts', ['export', '--email', 'maria.rossi@example.org']],
      ['npm run outbox', 'infra/ops/outbox.ts', ['list-dead']],
      ['npm run references', 'infra/ops/references.ts', ['reserve-legacy']],
      ['npm run report-text', 'infra/ops/report-text.ts', ['history']],
    ];
    const results = await Promise.all(commands.map(([, file, args]) => runCommand(file, args, { DATA_DIR: dataDir })));
    results.forEach((result, index) => {
      const [name, , args] = commands[index]!;
      expectOneLine(result, `${name}: the data folder ${dataDir} is held by a running npm start (pid ${held.pid}, ${held.url}). Stop it (Ctrl+C) and run this again,`, /or set another DATA_DIR\.$/);
      if (args[0] === 'create') expect(result.stderr).toContain(`curl -X POST ${held.url}/_local/partner-keys -d '{"partner":"humanitas"}'`);
    });
    // The runtime was not disturbed: it still answers, and still holds its folder.
    expect((await fetch(`${held.url}/metrics`)).status).toBeLessThan(500);
    expect(existsSync(join(dataDir, 'hub-intake.pid'))).toBe(true);
  }, 180_000);
});

describe('a data folder whose database another program holds', () => {
  it('stops npm start and an ops command in one line, with no stack trace', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-intake-locked-'));
    // This process holds the database's own LOCK, as a stray dynalite would; no lock file names it.
    const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as { Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> } };
    const db = new Level(join(dataDir, 'dynamodb'));
    await db.open();
    try {
      const [start, outbox] = await Promise.all([
        runCommand('infra/local/main.ts', [], { PORT: '0', DATA_DIR: dataDir }),
        runCommand('infra/ops/outbox.ts', ['list-dead'], { DATA_DIR: dataDir }),
      ]);
      expectOneLine(start, `hub-intake could not start: The data folder ${dataDir} is in use: another program holds its database`, /Stop it, or start this one with another DATA_DIR/);
      expectOneLine(outbox, `npm run outbox: the data folder ${dataDir} is in use: another program holds its database`, /or set another DATA_DIR\.$/);
      // Neither left a lock file of its own behind.
      expect(existsSync(join(dataDir, 'hub-intake.pid'))).toBe(false);
    } finally {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('npm run invoke', () => {
  it('runs on throwaway in-memory tables: it never writes to DATA_DIR nor resumes the workflows of the cases kept there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-intake-invoke-'));
    const reviewer = 'paola.neri@hub.example.org';
    try {
      // A case waiting for review, its window over: resuming it would remind its reviewer at once.
      const runtime = await startTestRuntime({ DATA_DIR: dataDir, REVIEWERS: reviewer, REVIEW_WINDOW_SECONDS: '10', REMINDERS: '1', AMEND_WINDOW_SECONDS: '10' });
      const created = (await (await postCase(runtime, validCase())).json()) as { reference: string };
      await waitFor('the review mail', () => runtime.mails().find((mail) => mail.to.includes(reviewer)));
      await runtime.close();
      await new Promise((resolve) => setTimeout(resolve, 10_500));
      const before = snapshot(dataDir);

      const missing = join(dataDir, 'not-there');
      const [onKept, onMissing] = await Promise.all([
        runCommand('infra/local/invoke.ts', ['get-metrics', 'events/get-metrics.json'], { DATA_DIR: dataDir, REVIEWERS: reviewer }),
        runCommand('infra/local/invoke.ts', ['get-metrics', 'events/get-metrics.json'], { DATA_DIR: missing }),
      ]);
      for (const result of [onKept, onMissing]) {
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('"statusCode"');
        expect(result.stdout).not.toContain('mail to');
        expect(result.stderr).not.toMatch(/in use|in-memory tables instead/);
      }
      expect(onKept.stdout).not.toContain(created.reference);
      expect(snapshot(dataDir)).toEqual(before);
      expect(existsSync(missing)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

/** Every file under `dir` with its size and modification time. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stat = statSync(join(dir, name));
    if (stat.isFile()) files[name] = `${stat.size} ${stat.mtimeMs}`;
  }
  return files;
}
