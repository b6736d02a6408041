/**
 * Import and export on both stores, with the real export files of other systems
 * (/work/shared/fixtures/import, or $PARLEY_FIXTURES/import), read as they are.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createCommandContext, type CommandContext } from '../commands/context.js';
import { postComment } from '../commands/post-comment.js';
import { reactComment } from '../commands/react-comment.js';
import { votePost } from '../commands/vote-post.js';
import { hideComment } from '../commands/hide-comment.js';
import { deleteComment } from '../commands/delete-comment.js';
import { editComment } from '../commands/edit-comment.js';
import { applyThreadSpec } from '../commands/threads.js';
import { threadKey } from '../domain/thread-key.js';
import { resolveSite, SiteDirectory, type Site } from '../sites/site-config.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { testDatabase } from '../store/postgres/test-database.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { identity } from '../test-helpers.js';
import { readDisqus } from './disqus.js';
import { exportSite } from './export.js';
import { Importer } from './import-writer.js';
import { readParleyJson } from './json-format.js';
import type { ImportRecord } from './records.js';
import { readWordpress } from './wordpress.js';

const here = fileURLToPath(import.meta.url);
const fixtures = process.env.PARLEY_FIXTURES ? join(process.env.PARLEY_FIXTURES, 'import') : resolve(here, '../../../../../../shared/fixtures/import');
const fixture = (name: string) => join(fixtures, name);

const { url: pgUrl } = testDatabase('parley_porting');
let schemas = 0;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-porting-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const stores: [string, () => Promise<Store>][] = [
  ['SQLite', async () => SqliteStore.open({ path: join(tempDir(), 'parley.db') })],
  ['PostgreSQL', async () => PostgresStore.open({ url: pgUrl, schema: `p${++schemas}`, poolSize: 2 })],
];

interface Fresh {
  ctx: CommandContext;
  site: Site;
  store: Store;
  run(records: AsyncIterable<ImportRecord>, source: string): ReturnType<Importer['run']>;
}

async function fresh(open: () => Promise<Store>): Promise<Fresh> {
  const store = await open();
  onTestFinished(() => store.close());
  const site = resolveSite({ id: 'news', secret: 'unused' }, { development: true });
  let clock = 1_800_000_000_000;
  let ids = 0;
  const ctx = createCommandContext(store, { sites: new SiteDirectory([site]), now: () => (clock += 1), newId: () => `n${++ids}` });
  return { ctx, site, store, run: (records, source) => new Importer(ctx, site, source, { batchSize: 3 }).run(records) };
}

async function comments(store: Store, thread: string) {
  return store.read((tx) => tx.porting.listThreadComments(threadKey('news', thread), 0, 1000));
}

async function exportText(store: Store): Promise<string> {
  const lines: string[] = [];
  await exportSite(store, 'news', async (line) => void lines.push(line), () => 0);
  return `${lines.join('\n')}\n`;
}

describe.each(stores)('import and export on %s', (_name, open) => {
  it('[IMPORT-1] [IMPORT-2] [IMPORT-3] [IMPORT-5] a Disqus export with spam, a malformed post and a post without dsq:id, read as it is', async () => {
    const { store, run } = await fresh(open);
    const report = await run(readDisqus(fixture('disqus-remark42.xml')), 'disqus');
    expect(report.threads).toEqual({ created: 2, existing: 0 });
    expect(report.comments).toEqual({ imported: 4, alreadyImported: 0 });
    expect(report.skipped).toEqual({ spam: 1, deleted: 0, unapproved: 0, pingback: 0 });
    expect(report.unreadable).toEqual([{ ref: 'post x299986073', reason: expect.stringContaining('<isSpam> is "123"') }]);

    // Thread ids: the disqus_identifier where there is one, else the link's path.
    const podcast = await comments(store, 'http://www.radio-t.com/p/2011/03/05/podcast-229/');
    expect(podcast.map((c) => c.author.id)).toEqual(['disqus:facebook-1787732238', 'disqus:mikhail-noname']);
    expect(podcast[0]?.body).toBe('The quick brown fox jumps over the lazy dog.\n\nsome link [https://https://radio-t.com]');
    expect(podcast[0]?.createdAt).toBe(Date.parse('2011-08-31T15:16:29Z'));
    expect(podcast[1]?.body).toContain('Microsoft показал проводник Windows 8');
    const older = await comments(store, '2011/03/229_8880.html');
    expect(older.map((c) => c.author.name)).toEqual(['No Username', 'Blah Noname']);
    expect(older[0]?.author.id).toMatch(/^disqus:guest-[0-9a-f]{16}$/);
    expect(older[0]?.body).toBe(
      'Google App Engine скоро выходит из превью статуса.\n\nСейчас письмо пришло от гугла.\n\nДля платных приложений использущих High Replication Datastore (HRD) будет 99.95% uptime SLA.\nБудут Премьер аккаунты за 500 баксов/месяц с оперативной поддержкой и любым количеством приложений на аккаунте (+ плата за потребленные ресурсы).\nВ связи с переходом на новую систему оплаты, обещают снизить бесплатные квоты.\nВсем кто включит биллинг до 31 октября, обещают 50 баксов :)',
    );
    const thread = await store.read((tx) => tx.getThread(threadKey('news', '2011/03/229_8880.html')));
    expect(thread).toMatchObject({ title: 'Радио-Т: Радио-Т 229', url: 'http://radio-t.umputun.com/2011/03/229_8880.html', commentCount: 2, origin: 'admin', seq: 2 });
  });

  it('[IMPORT-2] [IMPORT-3] Disqus replies by parent id; an empty thread and an orphan post are reported, the rest imported', async () => {
    const { store, run } = await fresh(open);
    const report = await run(readDisqus(fixture('disqus-isso.xml')), 'disqus');
    expect(report.threads.created).toBe(1);
    expect(report.comments.imported).toBe(2);
    expect(report.unreadable.map((u) => u.ref)).toEqual(['thread 3', 'disqus 6']);
    expect(report.unreadable[1]?.reason).toContain('thread 1337 is not in the file');
    const [root, reply] = await comments(store, 'some-id');
    expect(root).toMatchObject({ body: '...', author: { name: 'peter' }, depth: 0, replyCount: 1 });
    expect(reply).toMatchObject({ body: 'Hello, World.', author: { id: 'disqus:user', name: 'user' }, parentId: root?.id, replyToName: 'peter', depth: 1 });
  });

  it('[IMPORT-2] [IMPORT-7] WordPress nested replies, a comment without comment_date, ?p=N links, multi-line content; original dates and order', async () => {
    const { store, run } = await fresh(open);
    const report = await run(readWordpress(fixture('wordpress-isso.xml')), 'wordpress');
    expect(report.threads).toEqual({ created: 3, existing: 0 });
    expect(report.comments.imported).toBe(8);
    expect(report.unreadable).toEqual([]);
    const test = await comments(store, '2014/test');
    expect(test.map((c) => c.body)).toEqual(['Erster!1', 'Zweiter.', 'Drölfter!', 'Yet another reply.', '...', 'When you have a comment with multiple lines:\nWordPress exports it like this.', '...']);
    expect(test.map((c) => c.createdAt)).toEqual([...test.map((c) => c.createdAt)].sort((a, b) => a - b));
    const [, second, third, fourth] = test;
    expect(third).toMatchObject({ parentId: second?.id, depth: 1, createdAt: Date.UTC(2014, 3, 29, 15, 21, 35) });
    expect(fourth).toMatchObject({ replyToId: third?.id, depth: 2, rootId: second?.id });
    expect(test[1]?.author.id).toBe('wordpress:1');
    expect(test[0]?.author.id).toMatch(/^wordpress:guest-/);
    // The same comment_id 11 in another item is another comment.
    expect((await comments(store, 'p-4')).map((c) => c.author.name)).toEqual(['Anonymous']);
    expect(await comments(store, 'p-6')).toEqual([]);
  });

  it('[IMPORT-4] [IMPORT-6] importing the same files twice adds nothing, and no Twei moves', async () => {
    const { store, run } = await fresh(open);
    await run(readDisqus(fixture('disqus-remark42.xml')), 'disqus');
    await run(readWordpress(fixture('wordpress-isso.xml')), 'wordpress');
    const before = await exportText(store);
    const again = await run(readDisqus(fixture('disqus-remark42.xml')), 'disqus');
    expect(again.comments).toEqual({ imported: 0, alreadyImported: 4 });
    expect(again.threads).toEqual({ created: 0, existing: 2 });
    const wpAgain = await run(readWordpress(fixture('wordpress-isso.xml')), 'wordpress');
    expect(wpAgain.comments).toEqual({ imported: 0, alreadyImported: 8 });
    expect(await exportText(store)).toBe(before);
    const ledger = await store.read(async (tx) => ({ transfers: await tx.ledger.allTransfers(), balances: await tx.ledger.allBalances(), xp: await tx.getXp('news', 'disqus:mikhail-noname') }));
    expect(ledger).toEqual({ transfers: [], balances: new Map(), xp: 0 });
  });

  it('[EXPORT-1] [EXPORT-2] [EXPORT-3] export → import into a fresh server → export gives the same file, tombstones, hides, edits, reactions and votes included', async () => {
    const a = await fresh(open);
    await a.run(readDisqus(fixture('disqus-remark42.xml')), 'disqus');
    await a.run(readWordpress(fixture('wordpress-isso.xml')), 'wordpress');
    // Native activity on a host-created thread.
    await a.store.write((tx) => applyThreadSpec(a.ctx, tx, a.site, { id: 'native/1', title: 'Native', gates: { comment: 5 } }, 'admin', a.ctx.now()));
    const bella = { ...identity('bella'), site: 'news' };
    const mod = { ...identity('mod', { role: 'moderator' }), site: 'news' };
    const post = async (body: string, parentId?: string) =>
      (await postComment(a.ctx, bella, { requestId: `p-${body}`, thread: 'native/1', body, ...(parentId && { parentId }) })).result.comment.id;
    const first = await post('first');
    const second = await post('second', first);
    const third = await post('third', second);
    await post('fourth', third);
    await editComment(a.ctx, bella, { requestId: 'e1', thread: 'native/1', commentId: second, body: 'second, edited' });
    await hideComment(a.ctx, mod, { requestId: 'h1', thread: 'native/1', commentId: third, hidden: true });
    await deleteComment(a.ctx, bella, { requestId: 'd1', thread: 'native/1', commentId: first });
    await reactComment(a.ctx, { ...identity('eli'), site: 'news' }, { requestId: 'r1', thread: 'native/1', commentId: second, value: 'like' });
    await votePost(a.ctx, { ...identity('eli'), site: 'news' }, { requestId: 'v1', thread: 'native/1', value: 'plus' });
    const exported = await exportText(a.store);
    expect(exported.split('\n')[0]).toBe('{"format":"parley-export","version":1,"site":"news","exportedAt":"1970-01-01T00:00:00.000Z"}');
    expect(exported).toContain('"source":{"name":"disqus","id":"299619020"}');
    expect(exported).toContain('"hidden":{"at":');

    const dir = tempDir();
    writeFileSync(join(dir, 'a.jsonl'), exported);
    const b = await fresh(open);
    const report = await b.run(readParleyJson(join(dir, 'a.jsonl')), 'json');
    expect(report.unreadable).toEqual([]);
    expect(report.comments.imported).toBe(16);
    expect(report.reactions.imported).toBe(1);
    expect(report.votes.imported).toBe(1);
    expect(await exportText(b.store)).toBe(exported);
    const native = await b.store.read((tx) => tx.getThread(threadKey('news', 'native/1')));
    expect(native).toMatchObject({ commentCount: 3, plus: 1, minus: 0 });
    expect(await b.store.read((tx) => tx.getHiddenBody(threadKey('news', 'native/1'), third))).toBe('third');

    // Provenance survived: the original Disqus file adds nothing to the copy either; no Twei moved there.
    const again = await b.run(readDisqus(fixture('disqus-remark42.xml')), 'disqus');
    expect(again.comments).toEqual({ imported: 0, alreadyImported: 4 });
    expect(await b.store.read((tx) => tx.ledger.allTransfers())).toEqual([]);
    const twice = await b.run(readParleyJson(join(dir, 'a.jsonl')), 'json');
    expect(twice.comments.imported).toBe(0);
    expect(twice.reactions).toEqual({ imported: 0, alreadyImported: 1 });
  });

  it('[IMPORT-3] a text longer than an imported comment may be is reported, not cut; the rest is imported', async () => {
    const { store, run } = await fresh(open);
    const file = join(tempDir(), 'long.xml');
    const post = (id: number, text: string) =>
      `<post dsq:id="${id}"><message><![CDATA[<p>${text}</p>]]></message><createdAt>2020-01-01T00:00:0${id}Z</createdAt><author><name>A</name><username>a</username></author><thread dsq:id="1"/></post>`;
    writeFileSync(file, `<disqus><thread dsq:id="1"><id>long</id></thread>${post(1, 'x'.repeat(20_001))}${post(2, 'short')}</disqus>`);
    const report = await run(readDisqus(file), 'disqus');
    expect(report.unreadable).toEqual([{ ref: 'disqus 1', reason: 'its text is longer than 20000 characters' }]);
    expect((await comments(store, 'long')).map((c) => c.body)).toEqual(['short']);
  });

  it('[COUNT-1] the counts read finds the threads among many keys in one query, and only those', async () => {
    const { store, run } = await fresh(open);
    await run(readWordpress(fixture('wordpress-isso.xml')), 'wordpress');
    const keys = ['2014/test', 'p-4', 'nope', 'p-6'].map((id) => threadKey('news', id));
    const found = await store.read((tx) => tx.porting.getThreads([...keys, threadKey('other', '2014/test')]));
    expect(found.map((t) => [t.id, t.commentCount]).sort()).toEqual([
      ['news:2014/test', 7],
      ['news:p-4', 1],
      ['news:p-6', 0],
    ]);
    expect(await store.read((tx) => tx.porting.getThreads([]))).toEqual([]);
  });

  it('[IMPORT-4] [EXPORT-2] an export imported into another site of the same server: comment ids already taken are renamed, replies and reactions follow', async () => {
    const a = await fresh(open);
    await a.store.write((tx) => applyThreadSpec(a.ctx, tx, a.site, { id: 'n' }, 'admin', a.ctx.now()));
    const bella = { ...identity('bella'), site: 'news' };
    const root = (await postComment(a.ctx, bella, { requestId: 'c1', thread: 'n', body: 'root' })).result.comment;
    await postComment(a.ctx, bella, { requestId: 'c2', thread: 'n', body: 'reply', parentId: root.id });
    await reactComment(a.ctx, { ...identity('eli'), site: 'news' }, { requestId: 'r1', thread: 'n', commentId: root.id, value: 'like' });
    const file = join(tempDir(), 'n.jsonl');
    writeFileSync(file, await exportText(a.store));

    const copy = resolveSite({ id: 'copy', secret: 'unused' }, { development: true });
    const report = await new Importer(a.ctx, copy, 'json').run(readParleyJson(file));
    expect(report.comments.imported).toBe(2);
    const [copiedRoot, copiedReply] = await a.store.read((tx) => tx.porting.listThreadComments(threadKey('copy', 'n'), 0, 10));
    expect(copiedRoot?.id).not.toBe(root.id);
    expect(copiedRoot).toMatchObject({ body: 'root', likes: 1, replyCount: 1 });
    expect(copiedReply).toMatchObject({ body: 'reply', parentId: copiedRoot?.id, replyToId: copiedRoot?.id });
    const again = await new Importer(a.ctx, copy, 'json').run(readParleyJson(file));
    expect(again.comments).toEqual({ imported: 0, alreadyImported: 2 });
    expect(again.reactions).toEqual({ imported: 0, alreadyImported: 1 });
    expect(again.unreadable).toEqual([]);
  });

  it('[IMPORT-3] a parley-export line that is not JSON or not a record is reported by line number; the rest is imported', async () => {
    const { store, run } = await fresh(open);
    const dir = tempDir();
    const lines = [
      '{"format":"parley-export","version":1,"site":"news","exportedAt":"x"}',
      '{"type":"thread","id":"t1","title":null,"url":null,"createdAt":1,"publishedAt":null,"author":null,"gates":{}}',
      '{"type":"comment","thread":"t1","id":"c1"', // cut off
      '{"type":"comment","thread":"t1","id":"c2","parent":null,"author":{"id":"u","name":"U","avatar":null,"level":1},"body":"ok","createdAt":2,"editedAt":null,"deletedAt":null,"hidden":null,"source":null}',
      '{"type":"comment","thread":"t1","id":"c3","parent":null,"author":{"id":"u","name":"U","avatar":null,"level":1},"body":"<b>x</b>","createdAt":"yesterday","editedAt":null,"deletedAt":null,"hidden":null,"source":null}',
    ];
    writeFileSync(join(dir, 'bad.jsonl'), lines.join('\n'));
    const report = await run(readParleyJson(join(dir, 'bad.jsonl')), 'json');
    expect(report.unreadable.map((u) => u.ref)).toEqual(['line 3', 'line 5 (comment c3)']);
    expect(report.comments.imported).toBe(1);
    expect((await comments(store, 't1')).map((c) => c.id)).toEqual(['c2']);
  });
});

describe('reader HTML', () => {
  it('[IMPORT-5] keeps no markup: scripts, images and non-web links leave only their text', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.xml');
    writeFileSync(
      file,
      `<disqus><thread dsq:id="1"><id>t</id></thread><post dsq:id="2"><message><![CDATA[<p>Hi <b>there</b> &amp; <script>alert(1)</script><img src=x onerror="alert(1)"></p><p><a href="javascript:alert(1)">click</a> <a href="https://e.org/x">https://e.org/x</a> <a href="http://e.org/y">why</a></p>]]></message><createdAt>2020-01-01T00:00:00Z</createdAt><author><name>A</name></author><thread dsq:id="1"/></post></disqus>`,
    );
    const records: ImportRecord[] = [];
    for await (const record of readDisqus(file)) records.push(record);
    expect(records[1]).toMatchObject({ kind: 'comment', body: 'Hi there &\n\nclick https://e.org/x why [http://e.org/y]' });
    expect(readFileSync(file, 'utf8')).toContain('<script>');
  });
});
