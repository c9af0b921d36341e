import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfnApiError } from './json';
import type { Operation, Params } from './sfn-api';

const MAX_BODY_BYTES = 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** The HTTP endpoint of the embedded service, listening. */
export interface SfnServer {
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Serves `operations` over the AWS JSON 1.0 protocol: `POST /` with `X-Amz-Target:
 * AWSStepFunctions.<Action>` and a JSON body; answers with the result, or with the error shape
 * the SDK turns into the exception of that name.
 */
export async function startSfnServer(operations: Readonly<Record<string, Operation>>, host: string, port: number): Promise<SfnServer> {
  const server = createServer((request, response) => {
    handle(operations, request, response).catch((error: unknown) => {
      console.error('embedded Step Functions error', error);
      if (!response.headersSent) sendError(response, 500, 'InternalFailure', 'The embedded Step Functions service failed on this request');
      else response.destroy();
    });
  });
  const listening = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  return {
    port: listening,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(operations: Readonly<Record<string, Operation>>, request: IncomingMessage, response: ServerResponse) {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith('AWSStepFunctions.') ? operations[target.slice('AWSStepFunctions.'.length)] : undefined;
  if (request.method !== 'POST' || !operation) {
    request.resume();
    sendError(response, 400, 'UnknownOperationException', `Unknown operation ${target || request.method}`);
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    sendError(response, 413, 'SerializationException', 'Request body too large');
    return;
  }
  let params: unknown;
  try {
    params = JSON.parse(body || '{}');
  } catch {
    sendError(response, 400, 'SerializationException', 'The request body is not JSON');
    return;
  }
  if (!isPlainObject(params)) {
    sendError(response, 400, 'SerializationException', 'The request body is not a JSON object');
    return;
  }
  let result: object;
  try {
    result = operation(params);
  } catch (error) {
    if (!(error instanceof SfnApiError)) throw error;
    sendError(response, 400, error.code, error.message);
    return;
  }
  send(response, 200, toWire(result));
}

function isPlainObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The AWS JSON wire form: timestamps are epoch seconds, absent members are left out. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

function send(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const body = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(body)), 'x-amzn-requestid': randomUUID(), ...headers });
  response.end(body);
}

function sendError(response: ServerResponse, status: number, code: string, message: string) {
  send(response, status, { __type: `com.amazonaws.states#${code}`, message }, { 'x-amzn-errortype': code });
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
