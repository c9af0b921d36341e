import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, compileRoute, deliveredAsText, toApiGatewayEvent } from '../../infra/local/http-adapter';
import { ROUTES } from '../../infra/routes';
import { parseBody, rawBody } from '../../shared/adapters/http/body';

const submitRoute = compileRoute(ROUTES.find((route) => route.method === 'POST' && route.path === '/cases')!);

/** The parts of a Node request that the adapter reads. */
function incoming(headers: Record<string, string>, remoteAddress = '127.0.0.1'): IncomingMessage {
  return {
    method: 'POST',
    httpVersion: '1.1',
    rawHeaders: Object.entries(headers).flat(),
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    socket: { remoteAddress },
  } as unknown as IncomingMessage;
}

function eventFor(contentType: string | undefined, body: string | Buffer, remoteAddress?: string) {
  const headers: Record<string, string> = { Host: 'localhost:3000', 'User-Agent': 'test' };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  return toApiGatewayEvent(incoming(headers, remoteAddress), new URL('http://localhost:3000/cases'), submitRoute, {}, Buffer.from(body));
}

describe('the local HTTP adapter', () => {
  it('base64-encodes urlencoded bodies, as an HTTP API does', () => {
    const form = 'partner=humanitas&title=Caff%C3%A8+e+pi%C3%B9&summary=a%26b%3Dc';
    const event = eventFor('application/x-www-form-urlencoded', form);
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from(form).toString('base64'));
    expect(rawBody(event)).toBe(form);
  });

  it('passes text/*, JSON, XML and JavaScript bodies as text', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'text/plain', 'text/csv; charset=utf-8', 'application/xml', 'application/javascript']) {
      const event = eventFor(type, '{"città":"Milano"}');
      expect({ type, isBase64Encoded: event.isBase64Encoded, body: event.body }).toEqual({ type, isBase64Encoded: false, body: '{"città":"Milano"}' });
    }
  });

  it('base64-encodes every other media type and a body without a Content-Type', () => {
    for (const type of [undefined, '', 'application/octet-stream', 'application/problem+json', 'application/vnd.api+json', 'multipart/form-data; boundary=x', 'image/png']) {
      const event = eventFor(type, '{"a":1}');
      expect({ type, isBase64Encoded: event.isBase64Encoded }).toEqual({ type, isBase64Encoded: true });
      expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe('{"a":1}');
    }
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80]);
    expect(Buffer.from(eventFor('application/octet-stream', bytes).body ?? '', 'base64')).toEqual(bytes);
  });

  it('sends no body for an empty one', () => {
    const event = eventFor('application/x-www-form-urlencoded', '');
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('gives the handlers the same payload for a form whether it came as text or base64', () => {
    const form = 'partner=humanitas&title=Televisita+per+lo+scompenso&contact.name=Nicol%C3%B2';
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const encoded = eventFor(headers['content-type'], form);
    const plain = { ...encoded, body: form, isBase64Encoded: false };
    expect(parseBody(encoded, headers)).toEqual(parseBody(plain, headers));
    expect(parseBody(encoded, headers).payload).toMatchObject({ partner: 'humanitas', title: 'Televisita per lo scompenso' });
  });

  it('decides text or base64 on the media type alone', () => {
    expect(deliveredAsText('text/html; charset=utf-8')).toBe(true);
    expect(deliveredAsText(' application/json ')).toBe(true);
    expect(deliveredAsText('application/jsonp')).toBe(false);
    expect(deliveredAsText('application/x-www-form-urlencoded; charset=utf-8')).toBe(false);
    expect(deliveredAsText(undefined)).toBe(false);
  });

  it('names the client by its socket address in requestContext.http.sourceIp, never by X-Forwarded-For', () => {
    const request = incoming({ 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.7' }, '::ffff:192.0.2.44');
    const event = toApiGatewayEvent(request, new URL('http://localhost:3000/cases'), submitRoute, {}, Buffer.from('{}'));
    expect(event.requestContext.http.sourceIp).toBe('192.0.2.44');
    expect(clientAddress(incoming({}, '::1'))).toBe('::1');
    expect(clientAddress(incoming({}, '127.0.0.9'))).toBe('127.0.0.9');
  });
});
