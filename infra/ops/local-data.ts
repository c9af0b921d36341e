// The embedded runtime's data for the ops commands run without TABLE_NAME: DATA_DIR's table, or
// one line naming what to do when a running `npm start` (or another program) holds that folder.
import { DataDirInUse, describeHolder, startDynamo, type DynamoEmulator } from '../local/emulators';
import { LOCAL_TABLE } from '../local/table';

/** The data folder an ops command works on when no TABLE_NAME is set. */
export const localDataDir = (): string => process.env.DATA_DIR || '.data';

/**
 * The line an ops command prints when it cannot open the folder: who holds it and what to do.
 * `onRuntime` is what the running runtime offers instead, given its URL (a route), if anything.
 */
export function heldFolderLine(command: string, error: DataDirInUse, onRuntime?: (url: string) => string): string {
  if (error.by === 'database-lock') {
    return `${command}: the data folder ${error.dir} is in use: another program holds its database (${error.dir}/dynamodb/LOCK). Stop it and run this again, or set another DATA_DIR.`;
  }
  const url = error.holder.url ?? 'http://localhost:$PORT';
  const instead = onRuntime ? ` or ${onRuntime(url)},` : '';
  return `${command}: the data folder ${error.dir} is held by a running npm start (${describeHolder(error.holder)}). Stop it (Ctrl+C) and run this again,${instead} or set another DATA_DIR.`;
}

/**
 * dynalite on {@link localDataDir}, or, when the folder is held, the line of {@link heldFolderLine}
 * on stderr and exit code 1: no stack trace, nothing written.
 */
export async function openLocalData(command: string, onRuntime?: (url: string) => string): Promise<DynamoEmulator> {
  try {
    return await startDynamo(localDataDir(), LOCAL_TABLE);
  } catch (error) {
    if (!(error instanceof DataDirInUse)) throw error;
    console.error(heldFolderLine(command, error, onRuntime));
    process.exit(1);
  }
}
