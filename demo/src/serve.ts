/**
 * The demo: the reference article served with Parley embedded exactly as a publisher would embed it,
 * on the same port as the Parley server itself, plus the demo-only persona token endpoint.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signThreadClaim, signToken, startParleyServer, type EconomyOptions, type ParleyServer } from '@parley/server';
import { findPersona, personas } from './personas.js';
import { DEMO_THREAD, DEMO_TITLE, seedDemoThread } from './seed.js';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const SITE = 'demo';
/** Demo only: a fixed, public secret. A real site sets PARLEY_SECRET. */
const DEMO_SECRET = process.env.PARLEY_SECRET ?? 'parley-demo-secret-not-for-production';

const staticFiles = new Map<string, [file: string, type: string]>([
  ['/', ['index.html', 'text/html; charset=utf-8']],
  ['/index.html', ['index.html', 'text/html; charset=utf-8']],
  ['/demo/site.css', ['site.css', 'text/css; charset=utf-8']],
  ['/demo/personas.js', ['personas.js', 'text/javascript; charset=utf-8']],
]);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The article's thread claim: title, canonical URL, gates as on the reference page, its author. */
async function threadClaim(): Promise<string> {
  return signThreadClaim(
    DEMO_SECRET,
    { thread: DEMO_THREAD, title: DEMO_TITLE, url: 'https://meridian.example/world/2025/iran-offers-mediation', author: 'staff', published: true },
    { audience: SITE },
  );
}

/** A reader's token as the host's backend signs it for its logged-in user. */
function personaToken(persona: NonNullable<ReturnType<typeof findPersona>>): Promise<string> {
  return signToken(
    DEMO_SECRET,
    { sub: persona.id, name: persona.name, lvl: persona.lvl, ...(persona.role ? { role: persona.role } : {}) },
    { audience: SITE, expiresIn: '12h' },
  );
}

/**
 * The article page as a host's backend renders it: with the thread claim it signs for this thread,
 * and — for `?as=<persona>`, as a site renders its logged-in reader's page — that reader's token, so
 * the widget knows who reads from its first paint. `?layout=top` puts the discussion above the
 * article (above the fold), the placement the first-paint measurements use [PAINT-10].
 */
async function articlePage(html: string, query: URLSearchParams): Promise<string> {
  let page = html.replace('{{PARLEY_THREAD_TOKEN}}', await threadClaim());
  const persona = findPersona(query.get('as') ?? '');
  if (persona) page = page.replace('<parley-thread', `<parley-thread token="${await personaToken(persona)}" data-persona="${persona.id}"`);
  const economy = query.get('economy');
  if (economy === 'off' || economy === 'compact' || economy === 'full') page = page.replace('<parley-thread', `<parley-thread economy="${economy}"`);
  if (query.get('layout') === 'top') {
    const start = page.indexOf('<section class="discussion"');
    const end = page.indexOf('</section>', start) + '</section>'.length;
    const discussion = page.slice(start, end);
    page = page.slice(0, start) + page.slice(end);
    page = page.replace('<article class="story"', `${discussion}\n    <article class="story"`);
  }
  return page;
}

async function handleDemoRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://demo.local');
  const file = staticFiles.get(url.pathname);
  if (req.method === 'GET' && file) {
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-cache' });
    const body = await readFile(join(publicDir, file[0]));
    // As a host's backend renders its article page: with the thread claim it signs for this
    // thread (SPEC THREAD-2). Only the host's secret can make one, so the page's HTML alone
    // cannot retitle, regate or re-author the thread.
    res.end(file[0] === 'index.html' ? await articlePage(body.toString('utf8'), url.searchParams) : body);
    return true;
  }
  if (req.method === 'GET' && url.pathname === '/demo/personas') {
    sendJson(res, 200, personas);
    return true;
  }
  if (req.method === 'GET' && url.pathname === '/demo/token') {
    const persona = findPersona(url.searchParams.get('persona') ?? '');
    if (!persona) {
      sendJson(res, 404, { error: { code: 'not_found', message: 'No such demo persona.' } });
      return true;
    }
    sendJson(res, 200, { token: await personaToken(persona) });
    return true;
  }
  return false;
}

export interface DemoOptions {
  port?: number;
  host?: string;
  dbPath?: string;
  /** Twei rules (browser tests read faster than people). @default the server's */
  economy?: EconomyOptions;
}

export async function startDemo(options: DemoOptions = {}): Promise<ParleyServer> {
  const server = await startParleyServer({
    port: options.port ?? 4000,
    host: options.host ?? '127.0.0.1',
    dbPath: options.dbPath ?? './data/parley.db',
    sites: [
      {
        id: SITE,
        secret: DEMO_SECRET,
        // The page is served by this same server; PARLEY_DEMO_ORIGINS adds others (comma-separated).
        origins: ['same-origin', ...(process.env.PARLEY_DEMO_ORIGINS?.split(',').filter(Boolean) ?? [])],
        // As on the reference page: "Add your comment … Available from LVL 13". The "Key points"
        // notes are for trusted readers: Bella Ciao (21) and Manolo (17) write, Muchacha (14) reads.
        // Flagging from LVL 5: Nadia Newcomer (4) sees the lock, Muchacha (14) reports spam.
        gates: { comment: 13, reply: 13, notes: 15, flag: 5 },
      },
    ],
    onRequest: handleDemoRequest,
    ...(options.economy ? { economy: options.economy } : {}),
  });
  try {
    await seedDemoThread(server);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const port = Number(process.env.PARLEY_PORT ?? process.env.PORT ?? 4000);
  const server = await startDemo({ port, host: process.env.PARLEY_HOST ?? process.env.HOST ?? '127.0.0.1', dbPath: process.env.PARLEY_DB });
  console.log(`Parley demo: open ${server.url.replace('127.0.0.1', 'localhost')}/ (Ctrl+C to stop)`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
