import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { waitFor } from '../support/wait';

/**
 * Everything the functions and the runtime log while a case goes through its whole life, captured,
 * must hold no contact data, no link secret and no review id.
 */
const captured: string[] = [];
const write = process.stdout.write.bind(process.stdout);
const writeErr = process.stderr.write.bind(process.stderr);
let runtime: Runtime;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'DEBUG';
  // Captured, not passed on: the test reads every line, and the suite's output stays readable.
  const capture = ((chunk: string | Uint8Array) => {
    captured.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  const { startTestRuntime } = await import('../support/runtime');
  runtime = await startTestRuntime({ REVIEWERS: 'riservato.revisore@hub.example.org', ACCESS_LOG: 'on' });
});
afterAll(async () => {
  await runtime?.close();
  process.stdout.write = write;
  process.stderr.write = writeErr;
});


describe('the logs of a whole case life', () => {
  it('hold no email address, name, status token, review id or edit token', async () => {
    const { postCase, validCase } = await import('../support/runtime');
    const email = 'molto.riservata@example.org';
    const name = 'Ludovica Riservatissima';
    const input = validCase({ contact: { name, email }, language: 'en' });
    const created = (await (await postCase(runtime, input)).json()) as {
      statusUrl: string;
      reference: string;
    };
    const token = new URL(created.statusUrl).searchParams.get('token') ?? '';
    await fetch(created.statusUrl);
    await fetch(`${runtime.url}/cases/${created.statusUrl.split('/cases/')[1]?.split('?')[0]}?token=wrong`);
    const mail = await waitFor('the review mail', () => runtime.mails().find((m) => m.subject.includes(created.reference) && m.to.includes('riservato.revisore@hub.example.org')));
    const reviewId = mail.text.match(/\/review\/([\w-]+)/)?.[1] ?? '';
    await fetch(`${runtime.url}/review/${reviewId}`);
    await fetch(`${runtime.url}/review/${reviewId}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=changes&comment=Serve+il+codice' });
    const changes = await waitFor('the changes mail', () => runtime.mails().find((m) => m.to.includes(email) && /Changes requested/.test(m.subject)));
    const edit = changes.text.match(/\/edit\?token=([^\s&]+)/)?.[1] ?? '';
    await fetch(`${runtime.url}/cases/${created.statusUrl.split('/cases/')[1]?.split('?')[0]}/edit?token=${edit}`);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const output = captured.join('');
    expect(output).toContain('request-review done');
    for (const secret of [email, name, 'riservato.revisore@hub.example.org', token, reviewId, decodeURIComponent(edit)]) {
      expect(secret.length).toBeGreaterThan(5);
      expect(output).not.toContain(secret);
    }
  });
});
