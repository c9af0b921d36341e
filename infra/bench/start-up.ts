import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths';
import { median } from './stats';

/** What `npm start` prints once it listens. */
export const BANNER = 'hub-intake listening on';

/** One start: milliseconds from the spawn of the command to its banner on stdout, and what ran. */
export interface StartSample {
  ms: number;
  /** The runtime's own "started in N ms" (from startRuntime's call to its return). */
  runtimeMs: number | undefined;
  /** `node` processes in the command's process tree when the banner was printed (npm itself is `npm …`, not counted). */
  nodeProcesses: number | undefined;
}

/** The `node` processes among `root` and its descendants, read from /proc; undefined where there is no /proc. */
export function nodeProcessesUnder(root: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const children = new Map<number, number[]>();
  const command = new Map<number, string>();
  for (const name of entries) {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
      const stat = readFileSync(join('/proc', name, 'stat'), 'utf8');
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      const pid = Number(name);
      command.set(pid, stat.slice(stat.indexOf('(') + 1, close));
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // The process ended while the list was read.
    }
  }
  let count = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (command.get(pid) === 'node') count += 1;
    pending.push(...(children.get(pid) ?? []));
  }
  return count;
}

/**
 * Runs `command` (for example `npm start`) from the repository root with `env` added to this
 * process's environment, times the spawn to the first stdout line that holds {@link BANNER}, counts
 * the node processes of its tree at that moment, then stops it with SIGTERM (to its process group:
 * npm, the shell and node alike) and waits for it to exit.
 */
export function timeStart(command: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<StartSample> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let sample: StartSample | undefined;
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${command} ${args.join(' ')} printed no banner within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (sample || !stdout.includes(BANNER)) return;
      const ms = performance.now() - started;
      sample = { ms, runtimeMs: undefined, nodeProcesses: nodeProcessesUnder(child.pid!) };
      // The banner is one write; its last line says how long startRuntime took.
      setTimeout(() => {
        const runtimeMs = /started in (\d+) ms/.exec(stdout)?.[1];
        sample!.runtimeMs = runtimeMs === undefined ? undefined : Number(runtimeMs);
        stop();
      }, 50);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (sample) resolvePromise(sample);
      else reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before its banner:\n${stdout}\n${stderr}`));
    });
  });
}

/** The start-up figures: a cold cache (a fresh, empty cache folder per run) and a warm one. */
export interface StartUpResult {
  command: string;
  cold: StartSample[];
  warm: StartSample[];
  coldMedianMs: number;
  warmMedianMs: number;
  /** The machine's 1-minute load average before and after the starts: the figure is absolute, not a ratio. */
  loadAverage: { before: number; after: number };
}

/**
 * `npm start` with `PORT=0 DATA_DIR=memory`: `coldRuns` starts each with an empty cache folder
 * of its own (the definition synthesized, aws-cdk-lib loaded), then `warmRuns` starts sharing one
 * folder that a first, unrecorded start filled.
 */
export async function measureStartUp(cacheRoot: string, coldRuns: number, warmRuns: number): Promise<StartUpResult> {
  const before = loadavg()[0]!;
  const env = (cacheDir: string) => ({ PORT: '0', DATA_DIR: 'memory', HUB_INTAKE_CACHE_DIR: cacheDir, LOG_LEVEL: 'WARN' });
  const cold: StartSample[] = [];
  for (let i = 0; i < coldRuns; i++) cold.push(await timeStart('npm', ['start'], env(join(cacheRoot, `cold-${i}`))));
  const warmDir = join(cacheRoot, 'warm');
  await timeStart('npm', ['start'], env(warmDir));
  const warm: StartSample[] = [];
  for (let i = 0; i < warmRuns; i++) warm.push(await timeStart('npm', ['start'], env(warmDir)));
  return {
    command: 'npm start',
    cold,
    warm,
    coldMedianMs: median(cold.map((s) => s.ms)),
    warmMedianMs: median(warm.map((s) => s.ms)),
    loadAverage: { before, after: loadavg()[0]! },
  };
}
