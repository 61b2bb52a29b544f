import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

export type ProxyAnswer = (path: string, query: URLSearchParams) => { status: number; body: unknown };

export interface PageServer {
  /** Where the page is, e.g. http://127.0.0.1:41234. */
  origin: string;
  /** Every proxy API request the page made, newest last. */
  requests: URL[];
  close: () => Promise<void>;
}

export interface PageServerOptions {
  /** The bundle the page runs, from the bundle folder (default page.js). */
  script?: string;
  /** More static folders by URL prefix, e.g. a plugin under /public/plugins/<id>/ as Grafana serves it. */
  folders?: Record<string, string>;
}

// Grafana's HTML names its sub path in <base href> and sets grafanaBootData before any plugin code
// runs; @grafana/runtime reads it on load.
const page = (script: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Pod Reasons editors</title><base href="/">
<script>
  window.grafanaBootData = {
    assets: { dark: '', light: '' },
    settings: {},
    user: { theme: new URLSearchParams(location.search).get('theme') === 'light' ? 'light' : 'dark' },
    navTree: [],
  };
</script></head>
<body><div id="root"></div><script src="/${script}"></script></body></html>`;

/** Where Grafana serves @grafana/ui's icons from, and where the package keeps them. */
const ICONS_URL = '/public/build/img/icons/';
const ICONS_DIR = path.resolve(import.meta.dirname, '../../node_modules/@grafana/ui/dist/public/img/icons');
/** Grafana's UI font, Inter: Grafana serves the web fonts of its release from here. */
const FONTS_URL = '/public/fonts/inter/';
const FONTS_DIR = path.resolve(import.meta.dirname, '../../node_modules/inter-ui/web');

/** A file under `dir` (normalising an absolute path drops any `..`), or undefined if there is none. */
function readUnder(dir: string, relative: string): Promise<Buffer | undefined> {
  return readFile(path.join(dir, path.normalize(`/${relative}`))).catch(() => undefined);
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
};

function canned(answer: ProxyAnswer, url: URL) {
  const { status, body } = answer(url.pathname.slice('/api/v1/'.length), url.searchParams);
  return { status, body: JSON.stringify(body) };
}

/** Asks a running proxy at `base`, passing the page's bearer token on. */
async function forward(base: string, url: URL, authorization?: string) {
  const upstream = await fetch(`${base}${url.pathname}${url.search}`, {
    headers: authorization ? { authorization } : {},
  });
  return { status: upstream.status, body: await upstream.text() };
}

/**
 * Serves the bundled test page and, under /api/v1/, a Pod Reasons proxy API on 127.0.0.1 at a
 * free port: canned answers, or those of a running proxy when `proxy` is its base URL (so the page
 * needs no cross-origin requests).
 */
export async function startPageServer(
  bundleDir: string,
  proxy: ProxyAnswer | string,
  { script = 'page.js', folders = {} }: PageServerOptions = {}
): Promise<PageServer> {
  const statics = Object.entries({ ...folders, [ICONS_URL]: ICONS_DIR, [FONTS_URL]: FONTS_DIR, '/': bundleDir });
  const requests: URL[] = [];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/v1/')) {
      requests.push(url);
      const { status, body } =
        typeof proxy === 'string' ? await forward(proxy, url, request.headers.authorization) : canned(proxy, url);
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(page(script));
      return;
    }
    const [prefix, dir] = statics.find(([prefix]) => url.pathname.startsWith(prefix))!;
    const content = await readUnder(dir, url.pathname.slice(prefix.length));
    if (!content) {
      response.writeHead(404).end();
      return;
    }
    const type = TYPES[path.extname(url.pathname)] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type }).end(content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
