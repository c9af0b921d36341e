import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { settingsFromEnv, startRuntime } from '../../infra/local/runtime';
import { startTestRuntime } from '../support/runtime';

describe('a start of the embedded runtime that cannot go on', () => {
  it('stops on a configuration no function could use, naming the value, and leaves nothing running', async () => {
    await expect(startTestRuntime({ REVIEWERS: 'not an email' })).rejects.toThrow(/REVIEWERS\.0: Invalid email address/);
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
