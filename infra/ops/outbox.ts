// `npm run outbox -- list-dead | retry --case ID [--effect E] | retry-all-dead`: the outbox entries
// given up on after their retries (a mail or a workflow start that kept failing), and putting them
// back in the outbox, where the next sweep runs them. With TABLE_NAME set (and AWS credentials),
// against that DynamoDB table; otherwise against the embedded runtime's data in DATA_DIR (default
// .data), which must not be in use by a running `npm start`.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LOCAL_TABLE } from '../local/table';
import { localDataDir, openLocalData } from './local-data';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createOutboxStore, type DeadLetter, type OutboxStore } from '../../shared/adapters/dynamodb/outbox-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: npm run outbox -- list-dead\n       npm run outbox -- retry --case ID [--effect EFFECT]\n       npm run outbox -- retry-all-dead';

/** What one command did, as lines for the terminal. */
export interface OutboxCommandResult {
  lines: string[];
  /** Dead letters put back in the outbox. */
  retried: number;
}

const describe = (entry: DeadLetter) =>
  `${entry.caseId}  ${entry.effect}  ${entry.attempts} attempts  dead since ${entry.deadLetteredAt}  ${entry.key.sk}  last error: ${entry.lastError}`;

/** Runs one ops command on an outbox store; exported for tests. Throws a usage error for bad arguments. */
export async function runOutboxCommand(outbox: OutboxStore, args: readonly string[], now: Date): Promise<OutboxCommandResult> {
  const [command, ...rest] = args;
  let values: { case?: string; effect?: string };
  try {
    ({ values } = parseArgs({ args: [...rest], options: { case: { type: 'string' }, effect: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const dead = await outbox.deadLetters();
  const revive = async (entries: readonly DeadLetter[]) => {
    let retried = 0;
    for (const entry of entries) if (await outbox.revive(entry, now.toISOString())) retried += 1;
    return retried;
  };
  switch (command) {
    case 'list-dead':
      if (values.case || values.effect) break;
      return { lines: dead.length ? dead.map(describe) : ['No dead-lettered outbox entries.'], retried: 0 };
    case 'retry': {
      if (!values.case) break;
      const chosen = dead.filter((entry) => entry.caseId === values.case && (!values.effect || entry.effect === values.effect));
      if (chosen.length === 0) return { lines: [`No dead-lettered entry of case ${values.case}${values.effect ? ` for ${values.effect}` : ''}.`], retried: 0 };
      const retried = await revive(chosen);
      return { lines: [`Put back in the outbox: ${retried} of ${chosen.length} (${chosen.map((entry) => entry.effect).join(', ')}); the next sweep runs them.`], retried };
    }
    case 'retry-all-dead': {
      if (values.case || values.effect) break;
      const retried = await revive(dead);
      return { lines: [`Put back in the outbox: ${retried} of ${dead.length}; the next sweep runs them.`], retried };
    }
  }
  throw new UsageError(USAGE);
}

export class UsageError extends Error {}

async function main(): Promise<void> {
  const remote = process.env.TABLE_NAME;
  const local = remote ? undefined : await openLocalData('npm run outbox');
  const doc = createDocumentClient(local?.endpoint ?? process.env.DYNAMODB_ENDPOINT);
  try {
    const result = await runOutboxCommand(createOutboxStore(doc, remote ?? LOCAL_TABLE), process.argv.slice(2), new Date());
    console.log(`${remote ? `table ${remote}` : `the embedded data in ${localDataDir()}`}:\n${result.lines.join('\n')}`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  } finally {
    doc.destroy();
    await local?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
