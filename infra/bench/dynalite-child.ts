import { startDynamo } from '../local/emulators';

/**
 * Runs dynalite in a process of its own (the child of `openTable(name, { ownProcess: true })`):
 * starts it in memory with the hub-intake table named by the first argument, prints its endpoint
 * as one line, and stops when its parent closes stdin.
 */
const tableName = process.argv[2];
if (!tableName) throw new Error('usage: dynalite-child.ts <table name>');
const dynamo = await startDynamo('memory', tableName);
process.stdout.write(`${dynamo.endpoint}\n`);
process.stdin.resume();
process.stdin.on('end', () => void dynamo.close().then(() => process.exit(0)));
