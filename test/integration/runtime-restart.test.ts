import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const dataDir = mkdtempSync(join(tmpdir(), 'hub-intake-restart-'));
const REVIEWER = 'luca.verdi@hub.example.org';
let runtime: Runtime | undefined;

afterAll(async () => {
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded runtime across a restart', () => {
  it('keeps the cases on disk and gives a case waiting for review its workflow back', async () => {
    const env = { DATA_DIR: dataDir, REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600' };
    runtime = await startTestRuntime(env);
    const input = validCase({ language: 'en' });
    const created = (await (
      await postCase(runtime, input)
    ).json()) as { reference: string; statusUrl: string };
    const mail = await waitFor('the review mail', () => runtime?.mails().find((m) => m.to.includes(REVIEWER) && m.subject.includes(created.reference)));
    const link = mail.text.match(/\/review\/([A-Za-z0-9_-]+)/)?.[1] ?? '';
    const mailsBefore = runtime.mails().length;
    await runtime.close();

    runtime = await startTestRuntime(env);
    const statusUrl = created.statusUrl.replace(/^http:\/\/localhost:\d+/, runtime.url);
    const status = async () => ((await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string }).status;
    expect(await status()).toBe('in_review');
    // The resumed review task sends no new mail: the links already sent stay valid.
    expect(runtime.mails().length).toBe(mailsBefore);

    const answer = await fetch(`${runtime.url}/review/${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(answer.status).toBe(200);
    await waitFor('the case approved', async () => ((await status()) === 'approved' ? true : undefined));
    await waitFor('the outcome mail', () => runtime?.mails().find((m) => m.to.includes((input.contact as { email: string }).email) && /approved/.test(m.subject)));
  });

  it('refuses a second runtime on the same data folder with a clear message', async () => {
    await expect(startTestRuntime({ DATA_DIR: dataDir })).rejects.toThrow(/in use by another hub-intake/);
  });
});
