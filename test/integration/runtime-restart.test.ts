import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAILBOX_FILE } from '../../infra/local/emulators';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const folders: string[] = [];
const REVIEWER = 'luca.verdi@hub.example.org';
let runtime: Runtime | undefined;

const dataFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'hub-intake-restart-'));
  folders.push(folder);
  return folder;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

afterAll(async () => {
  await runtime?.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A case submitted in English on the running runtime. */
async function submit(): Promise<{ reference: string; statusUrl: string; email: string }> {
  const input = validCase({ language: 'en' });
  const created = (await (await postCase(runtime!, input)).json()) as { reference: string; statusUrl: string };
  return { ...created, email: (input.contact as { email: string }).email };
}

/** The first mail to `to` whose subject matches, waited for with a fine poll; `seenAt` is when this test saw it. */
async function mailTo(to: string, subject: RegExp, timeoutMs = 20_000): Promise<{ text: string; seenAt: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = runtime?.mails().find((m) => m.to.includes(to) && subject.test(m.subject));
    if (mail) return { text: mail.text, seenAt: Date.now() };
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('the embedded runtime across a restart', () => {
  const dataDir = dataFolder();

  it('keeps the cases and the mailbox on disk and gives a case waiting for review its workflow back', async () => {
    const env = { DATA_DIR: dataDir, REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600' };
    runtime = await startTestRuntime(env);
    const input = validCase({ language: 'en' });
    const created = (await (
      await postCase(runtime, input)
    ).json()) as { reference: string; statusUrl: string };
    const mail = await waitFor('the review mail', () => runtime?.mails().find((m) => m.to.includes(REVIEWER) && m.subject.includes(created.reference)));
    const link = mail.text.match(/\/review\/([A-Za-z0-9_-]+)/)?.[1] ?? '';
    const mailsBefore = runtime.mails();
    await runtime.close();
    expect(readFileSync(join(dataDir, MAILBOX_FILE), 'utf8')).toContain(created.reference);

    runtime = await startTestRuntime(env);
    const statusUrl = created.statusUrl.replace(/^http:\/\/localhost:\d+/, runtime.url);
    const status = async () => ((await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string }).status;
    expect(await status()).toBe('in_review');
    // The mails sent before the restart are still in the mailbox, its JSON route and its viewer;
    // the resumed review task sends no new mail: the links already sent stay valid.
    expect(runtime.mails()).toEqual(mailsBefore);
    const listed = (await (await fetch(`${runtime.url}/_local/mail`)).json()) as { messageId: string }[];
    expect(listed.map((m) => m.messageId)).toEqual(mailsBefore.map((m) => m.messageId));
    const viewer = (await (await fetch(`${runtime.mailViewerUrl}store`)).json()) as { emails: { messageId: string }[] };
    expect(viewer.emails.map((m) => m.messageId)).toContain(mail.messageId);

    const answer = await fetch(`${runtime.url}/review/${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(answer.status).toBe(200);
    await waitFor('the case approved', async () => ((await status()) === 'approved' ? true : undefined));
    await waitFor('the outcome mail', () => runtime?.mails().find((m) => m.to.includes((input.contact as { email: string }).email) && /approved/.test(m.subject)));
    await runtime.close();
    runtime = undefined;
  });

  it('refuses a second runtime on the same data folder with a clear message', async () => {
    runtime = await startTestRuntime({ DATA_DIR: dataDir });
    try {
      await expect(startTestRuntime({ DATA_DIR: dataDir })).rejects.toThrow(/in use by another hub-intake/);
    } finally {
      await runtime.close();
      runtime = undefined;
    }
  });

  it('starts with an empty mailbox in memory, whatever an earlier runtime of the process sent', async () => {
    runtime = await startTestRuntime();
    try {
      expect(runtime.mails()).toEqual([]);
    } finally {
      await runtime.close();
      runtime = undefined;
    }
  });
});

describe('the workflow timers across a restart', () => {
  // Ten-second windows, one reminder: short enough for a test, long enough to tell the original
  // deadline (a few seconds after the restart) from a full window counted from the restart.
  const WINDOW_MS = 10_000;
  const env = { DATA_DIR: dataFolder(), REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '10', REMINDERS: '1', AMEND_WINDOW_SECONDS: '10' };
  const reminder = (reference: string) => new RegExp(`^Promemoria: caso ${reference}`);
  const review = (reference: string) => new RegExp(`^caso ${reference} da revisionare`);

  it('resumes each wait from its original deadline: passed ones at once, the others when they were due', async () => {
    runtime = await startTestRuntime(env);

    // P: its review window ends while the runtime is stopped.
    const passed = await submit();
    const passedMail = await mailTo(REVIEWER, review(passed.reference));
    // C: sent back for changes; its amend window ends while the runtime is stopped.
    const changes = await submit();
    const changesLink = (await mailTo(REVIEWER, review(changes.reference))).text.match(/\/review\/([A-Za-z0-9_-]+)/)?.[1] ?? '';
    const decided = await fetch(`${runtime.url}/review/${changesLink}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=changes&comment=Add+the+structure+code',
    });
    expect(decided.status).toBe(200);
    const changesMail = await mailTo(changes.email, /^Changes requested/);
    // L: submitted later, so that its window still has a few seconds left at the restart.
    await sleep(passedMail.seenAt + 6_000 - Date.now());
    const left = await submit();
    const leftMail = await mailTo(REVIEWER, review(left.reference));
    await runtime.close();
    runtime = undefined;

    // Stopped past P's and C's deadlines, not L's.
    await sleep(Math.max(passedMail.seenAt, changesMail.seenAt) + WINDOW_MS + 500 - Date.now());
    const restartedAt = Date.now();
    runtime = await startTestRuntime(env);
    expect(leftMail.seenAt + WINDOW_MS).toBeGreaterThan(Date.now() + 1_000);

    // P is reminded and C expires at once, not a window after the restart.
    const passedReminder = await mailTo(REVIEWER, reminder(passed.reference));
    expect(passedReminder.seenAt - restartedAt).toBeLessThan(WINDOW_MS / 2);
    const expiry = await mailTo(changes.email, /^Case .* has expired/);
    expect(expiry.seenAt - restartedAt).toBeLessThan(WINDOW_MS / 2);

    // L is reminded when its window was due to end, well before a full window from the restart.
    const leftReminder = await mailTo(REVIEWER, reminder(left.reference));
    expect(leftReminder.seenAt).toBeGreaterThan(leftMail.seenAt + WINDOW_MS - 1_000);
    expect(leftReminder.seenAt).toBeLessThan(leftMail.seenAt + WINDOW_MS + 1_500);
    expect(leftReminder.seenAt).toBeLessThan(restartedAt + WINDOW_MS - 1_000);

    // The late reminder opens a full window from when it was sent: P is still in review a moment later.
    const statusOf = async (statusUrl: string) =>
      ((await (await fetch(statusUrl.replace(/^http:\/\/localhost:\d+/, runtime!.url), { headers: { accept: 'application/json' } })).json()) as { status: string }).status;
    expect(await statusOf(passed.statusUrl)).toBe('in_review');
    expect(await statusOf(changes.statusUrl)).toBe('expired');
    await runtime.close();
    runtime = undefined;
  }, 90_000);
});

describe('an escalated review across a restart', () => {
  it('resumes waiting for the coordinators until the escalation\'s own deadline, then expires the case, with no mail sent again', async () => {
    const coordinator = 'coordinamento.riavvio@hub.example.org';
    const env = { DATA_DIR: dataFolder(), REVIEWERS: REVIEWER, COORDINATORS: coordinator, REVIEW_WINDOW_SECONDS: '1', REMINDERS: '0', ESCALATION_WINDOW_SECONDS: '8', AMEND_WINDOW_SECONDS: '600' };
    runtime = await startTestRuntime(env);
    const escalated = await submit();
    const escalation = await mailTo(coordinator, new RegExp(`^Escalation: caso ${escalated.reference}`));
    await runtime.close();
    runtime = undefined;

    runtime = await startTestRuntime(env);
    // Resumed into Escalate (not RequestReview, whose timeout would escalate a second time): the case expires at the escalation's deadline.
    const expiry = await mailTo(escalated.email, new RegExp(`^Case ${escalated.reference} expired without a decision`));
    expect(expiry.seenAt).toBeGreaterThan(escalation.seenAt + 8_000 - 1_000);
    const forCase = runtime.mails().filter((mail) => mail.subject.includes(escalated.reference));
    expect(forCase.filter((mail) => mail.to.includes(coordinator))).toHaveLength(1);
    expect(forCase.filter((mail) => mail.to.includes(REVIEWER))).toHaveLength(1);
    await runtime.close();
    runtime = undefined;
  }, 60_000);
});

describe('a review across a restart with fewer reminders', () => {
  it('still escalates to the coordinators a case stopped at a reminder, rather than expiring it with nobody asked', async () => {
    const coordinator = 'coordinamento.meno.solleciti@hub.example.org';
    const base = { DATA_DIR: dataFolder(), REVIEWERS: REVIEWER, COORDINATORS: coordinator, REVIEW_WINDOW_SECONDS: '2', ESCALATION_WINDOW_SECONDS: '600', AMEND_WINDOW_SECONDS: '600' };
    runtime = await startTestRuntime({ ...base, REMINDERS: '1' });
    const kase = await submit();
    await mailTo(REVIEWER, new RegExp(`^Promemoria: caso ${kase.reference} da revisionare`));
    await runtime.close();
    runtime = undefined;

    // The operator lowers REMINDERS: attempt 1 was a reminder, not the escalation, whatever the count says now.
    runtime = await startTestRuntime({ ...base, REMINDERS: '0' });
    await mailTo(coordinator, new RegExp(`^Escalation: caso ${kase.reference}`));
    const status = ((await (await fetch(kase.statusUrl.replace(/^http:\/\/localhost:\d+/, runtime.url), { headers: { accept: 'application/json' } })).json()) as { status: string }).status;
    expect(status).toBe('in_review');
    await runtime.close();
    runtime = undefined;
  }, 60_000);
});

describe('a data folder', () => {
  it('holds the mailbox beside the tables', () => {
    expect(existsSync(join(folders[0]!, MAILBOX_FILE))).toBe(true);
    expect(existsSync(join(folders[0]!, 'dynamodb'))).toBe(true);
  });
});
