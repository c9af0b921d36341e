import { describe, expect, it } from 'vitest';
import { BANNER, nodeProcessesUnder, timeStart } from '../../infra/bench/start-up';

/** The timer of the bench's start-up figure, on stand-in commands that print the banner or do not. */
describe('timeStart', () => {
  it('times a command to its banner, counts its node processes, and stops it', async () => {
    // A shell that starts one node process, which prints the banner after 300 ms and then waits.
    const script = `setTimeout(() => console.log('${BANNER} http://127.0.0.1:1\\\\n  started in 42 ms; Ctrl+C stops it.'), 300); setInterval(() => {}, 1000);`;
    const sample = await timeStart('sh', ['-c', `"${process.execPath}" -e "${script}"`], {}, 20_000);
    expect(sample.ms).toBeGreaterThanOrEqual(300);
    expect(sample.ms).toBeLessThan(20_000);
    expect(sample.runtimeMs).toBe(42);
    expect(sample.nodeProcesses).toBe(1);
  });

  it('fails when the command ends without its banner', async () => {
    await expect(timeStart(process.execPath, ['-e', "console.log('something else'); process.exit(3)"], {}, 20_000)).rejects.toThrow(/exited \(3\) before its banner/);
  });
});

describe('nodeProcessesUnder', () => {
  it('counts this node process', () => {
    expect(nodeProcessesUnder(process.pid)).toBeGreaterThanOrEqual(1);
  });
});
