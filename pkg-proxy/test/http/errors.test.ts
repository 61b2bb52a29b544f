// Every 4xx the HTTP server gives is one JSON shape, including those of Node's parser, the router
// and WebSocket upgrades; requests go over a raw socket so that nothing is normalised on the way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { pino } from 'pino';
import { buildServer } from '../../src/http/server.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import { PodStore } from '../../src/store/store.ts';

const TOKEN = 'errors-test-token';
const AUTH = `Authorization: Bearer ${TOKEN}\r\n`;
const UPGRADE =
  'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

describe('4xx answers', () => {
  let app: Awaited<ReturnType<typeof buildServer>>;
  let port = 0;
  before(async () => {
    const store = new PodStore();
    app = await buildServer({
      store,
      metrics: new Metrics({ store, ksmCompatible: false, watchHealth: () => [] }),
      log: pino({ level: 'silent' }),
      token: TOKEN,
      notReady: () => undefined,
      status: () => ({}) as never,
    });
    port = Number(new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port);
  });
  after(() => app.close());

  /** Sends one raw request and reads the head and the body the server writes before closing. */
  const raw = (request: string) =>
    new Promise<Answer>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      let text = '';
      socket.setEncoding('utf8');
      const done = () => {
        const [head, ...rest] = text.split('\r\n\r\n');
        const [statusLine, ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(
          lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])
        );
        const body = rest.join('\r\n\r\n');
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
        socket.destroy();
      };
      socket.on('data', (chunk: string) => {
        text += chunk;
        const length = /content-length: (\d+)/i.exec(text);
        const end = text.indexOf('\r\n\r\n');
        if (length && end >= 0 && Buffer.byteLength(text.slice(end + 4)) >= Number(length[1])) {
          done();
        }
      });
      socket.on('end', done);
      socket.on('error', reject);
    });

  const cases: Array<[what: string, request: string, status: number, error: RegExp, allow?: string]> = [
    ['HTTP/1.1 without Host', 'GET /api/v1/pods HTTP/1.1\r\n\r\n', 400, /Host/],
    [
      'PROPFIND on a known path',
      `PROPFIND /api/v1/pods HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`,
      405,
      /PROPFIND/,
      'GET, HEAD',
    ],
    ['SEARCH on a known path', `SEARCH /api/v1/status HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`, 405, /SEARCH/, 'GET, HEAD'],
    [
      'a POST with a broken JSON body',
      `POST /api/v1/pods HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 3\r\n\r\n{x}`,
      405,
      /POST/,
      'GET, HEAD',
    ],
    [
      'an upgrade without Sec-WebSocket-Key',
      `GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n${AUTH}Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      400,
      /Sec-WebSocket-Key/,
    ],
    [
      'an upgrade of another version',
      `GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n${AUTH}${UPGRADE.replace('Version: 13', 'Version: 99')}\r\n`,
      400,
      /Sec-WebSocket-Version/,
    ],
    ['a POST upgrade', `POST /api/v1/stream HTTP/1.1\r\nHost: x\r\n${AUTH}${UPGRADE}\r\n`, 405, /POST/, 'GET, HEAD'],
    [
      'an unauthenticated upgrade of /healthz',
      `GET /healthz HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`,
      400,
      /not a WebSocket/,
    ],
    [
      'an upgrade of a JSON route',
      `GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n${AUTH}${UPGRADE}\r\n`,
      400,
      /not a WebSocket/,
    ],
    [
      'an unauthenticated upgrade of the stream',
      `GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`,
      401,
      /token/,
    ],
  ];
  for (const [what, request, status, error, allow] of cases) {
    test(`${what}: ${status}, JSON`, async () => {
      const answer = await raw(request);
      assert.equal(answer.status, status, JSON.stringify(answer));
      assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
      const body = JSON.parse(answer.body);
      assert.deepEqual(Object.keys(body), ['error']);
      assert.match(body.error, error);
      assert.equal(answer.headers.allow, allow);
    });
  }

  test('every method Node parses is a 405 with Allow on a known path, or answered', async () => {
    for (const method of [
      'PUT',
      'DELETE',
      'PATCH',
      'OPTIONS',
      'PROPFIND',
      'PROPPATCH',
      'MKCOL',
      'COPY',
      'MOVE',
      'LOCK',
      'UNLOCK',
      'SEARCH',
      'REPORT',
      'PURGE',
      'QUERY',
    ]) {
      const answer = await raw(`${method} /api/v1/pods HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: 0\r\n\r\n`);
      assert.equal(answer.status, 405, method);
      assert.equal(answer.headers.allow, 'GET, HEAD', method);
    }
  });
});
