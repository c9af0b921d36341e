import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LOCAL_PARTNERS } from '../config/partners';
import { createPartnerKey, type PartnerKeyRecord, type PartnerKeys } from '../../shared/app/partner-keys';
import { submitCase } from '../../shared/app/submit-case';
import { depsOn } from '../../shared/wiring';
import { startDynamo, type DynamoEmulator, type Emulator } from '../local/emulators';
import type { WorkflowPort } from '../../shared/app/effects';
import type { MailingReviewDeps, ReviewDeps } from '../../shared/app/review-flow';
import type { SubmitDeps } from '../../shared/app/submit-case';
import type { MailMessage } from '../../shared/adapters/ses/mailer';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import type { MetricsStore } from '../../shared/adapters/dynamodb/metrics-store';

/** The proof-of-work key of the bench's form submissions. */
export const BENCH_CHALLENGE_KEY = 'bench-challenge-key';

/** An embedded table (dynalite, in memory) and the document client the stores use, as in the runtime. */
export interface BenchTable {
  tableName: string;
  doc: DynamoDBDocumentClient;
  /** The emulator in this process, whose writes make the table's stream; absent for one in its own process. */
  emulator?: DynamoEmulator;
  /** Where the table answers, for clients in other processes; absent for one that is no server. */
  endpoint?: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite in memory with the hub-intake table named `tableName`: in this process, as the
 * embedded runtime runs it, or with `ownProcess` in a child process, so that the emulator's own
 * work and memory are not counted with the client's (as on AWS, where the table is elsewhere).
 */
export async function openTable(tableName: string, options: { ownProcess?: boolean } = {}): Promise<BenchTable & { endpoint: string }> {
  const emulator = options.ownProcess ? undefined : await startDynamo('memory', tableName);
  const dynamo: Emulator = emulator ?? (await startDynamoChild(tableName));
  const doc = createDocumentClient(dynamo.endpoint);
  return {
    tableName,
    doc,
    endpoint: dynamo.endpoint,
    ...(emulator ? { emulator } : {}),
    async close() {
      doc.destroy();
      await dynamo.close();
    },
  };
}

/** dynalite in a child process (dynalite-child.ts), stopped by closing its stdin. */
async function startDynamoChild(tableName: string): Promise<Emulator> {
  // tsx's loader, resolved from here: the child runs TypeScript whatever the working directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, fileURLToPath(new URL('./dynalite-child.ts', import.meta.url)), tableName], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: process.env,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  if (!/^http:\/\//.test(line)) throw new Error(`dynalite child printed ${line}`);
  return {
    endpoint: line,
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

/**
 * A table that answers every call at once with an empty result: with it, the stores cost only
 * their own code, which tells our code's share of a latency from the storage's.
 */
export function nullTable(tableName = 'bench-null'): BenchTable {
  const doc = { send: async () => ({}), destroy: () => undefined } as unknown as DynamoDBDocumentClient;
  return { tableName, doc, close: async () => undefined };
}

/** Every domain dependency, with the real stores; mail and workflow are stand-ins that only record. */
export type BenchDeps = ReviewDeps & MailingReviewDeps & SubmitDeps & { metrics: MetricsStore; mails: MailMessage[]; taskSuccesses: { token: string; output: Record<string, unknown> }[] };

/**
 * The dependencies the builders of `shared/wiring.ts` make, on `table`, with a mailer and a workflow that do
 * nothing but record: the figures measure our code and the storage, not SES or Step Functions.
 */
export function benchDeps(table: BenchTable): BenchDeps {
  const mails: MailMessage[] = [];
  const taskSuccesses: BenchDeps['taskSuccesses'] = [];
  const workflow: WorkflowPort = {
    start: async () => undefined,
    async succeed(token, output) {
      taskSuccesses.push({ token, output });
      return 'done';
    },
  };
  const deps = depsOn({
    doc: table.doc,
    tableName: table.tableName,
    mailer: {
      async send(message) {
        mails.push(message);
        return { messageId: String(mails.length) };
      },
    },
    workflow,
    now: () => new Date(),
    partners: new Map(LOCAL_PARTNERS.map((partner) => [partner.id, partner])),
    ownOrigin: 'https://intake.digitalhealthhub.example.org',
    publicBaseUrl: 'https://intake.digitalhealthhub.example.org',
    challengeKey: BENCH_CHALLENGE_KEY,
    reviewers: ['revisore1@digitalhealthhub.example.org', 'revisore2@digitalhealthhub.example.org'],
    reviewWindowSeconds: 7 * 24 * 3600,
    amendWindowSeconds: 30 * 24 * 3600,
    // As the wiring gives it to submit-case: a warm instance reads a partner's key once a minute.
    keyCache: true,
  });
  return { ...deps, mails, taskSuccesses };
}

/**
 * `submitCase` as a partner's system calls it, with that partner's key: every partner's key is made
 * first in the deps' own key store, outside any timing or metering, so that each submission pays
 * the key lookup and nothing else of the keys.
 */
export async function submitAsPartner(deps: BenchDeps) {
  const keys = new Map<string, string>();
  for (const partner of deps.partners.keys()) keys.set(partner, `Bearer ${(await createPartnerKey(deps.partnerKeys, partner, new Date())).key}`);
  return (payload: Record<string, unknown>, extra: { idempotencyKey?: string } = {}) =>
    submitCase(deps, { payload, lang: 'it', authorization: keys.get(String(payload.partner)), ...extra });
}

/** Partner keys held in memory, for runs whose table answers every call at once with nothing. */
export function inMemoryPartnerKeys(): PartnerKeys {
  const records = new Map<string, PartnerKeyRecord>();
  return {
    get: async (partner, keyId) => records.get(`${partner}/${keyId}`),
    list: async (partner) => [...records.values()].filter((record) => record.partner === partner),
    put: async (record) => (records.has(`${record.partner}/${record.keyId}`) ? false : (records.set(`${record.partner}/${record.keyId}`, record), true)),
    revoke: async () => true,
    touch: async () => undefined,
  };
}
