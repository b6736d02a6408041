import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createCommandContext } from './commands/context.js';
import { postComment } from './commands/post-comment.js';
import { buyReport } from './economy/buy-report.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import pg from 'pg';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { testDatabase } from './store/postgres/test-database.js';
import type { Store } from './store/types.js';
import { identity } from './test-helpers.js';

const packageDir = resolve(fileURLToPath(import.meta.url), '../..');
const bin = join(packageDir, 'bin/parley.js');

/** The grant, a comment's tribute and a bought report, through the real commands. */
async function seed(store: Store): Promise<void> {
  const ctx = createCommandContext(store);
  await store.write((tx) => tx.ensureThread('default:t', null, null, 0));
  await postComment(ctx, identity('ann'), { requestId: 'r1', thread: 't', body: 'hi' });
  await buyReport(ctx, identity('ann'), { requestId: 'r2', thread: 't' });
}

const pgAudited = testDatabase('parley_audit');
const pgEmpty = testDatabase('parley_audit_empty');

describe('parley audit', () => {
  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'inherit' });
  }, 120_000);

  it('prints the ledger figures and exits 0 when everything adds up, 1 when a report does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-audit-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, 'parley.db');
    const store = SqliteStore.open({ path: db });
    const ctx = createCommandContext(store);
    await store.write((tx) => tx.ensureThread('default:t', null, null, 0));
    await postComment(ctx, identity('ann'), { requestId: 'r1', thread: 't', body: 'hi' });
    const report = (await buyReport(ctx, identity('ann'), { requestId: 'r2', thread: 't' })).result;
    await store.close();

    const clean = spawnSync(process.execPath, [bin, 'audit', '--db', db], { encoding: 'utf8' });
    expect(clean.status).toBe(0);
    // The grant, the tribute and the report (the comment's reward is still pending, SETTLE-1).
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, sumOfBalances: 0, reportsChecked: 1, transfers: 3, aboveCap: [], aboveBudget: [] });
    expect(JSON.parse(clean.stdout).days[0]).toMatchObject({ minted: { grant: 10 }, burnt: { commentTributes: 1, reports: 1 } });

    const tampered = SqliteStore.open({ path: db });
    await tampered.write((tx) => tx.ledger.saveReport('r:default:ann', 'default:' + report.thread, { ...report, id: 'forged', lines: { ...report.lines, pluses: 7 } }));
    await tampered.close();
    const caught = spawnSync(process.execPath, [bin, 'audit', '--db', db], { encoding: 'utf8' });
    expect(caught.status).toBe(1);
    expect(JSON.parse(caught.stdout).reportMismatches).toEqual([{ account: 'r:default:ann', report: 'forged', category: 'pluses', shown: 7, ledger: 0 }]);
  });

  it('[AUDIT-2] exits non-zero and creates nothing when the database path does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-audit-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const missing = join(dir, 'typo.db');
    const run = spawnSync(process.execPath, [bin, 'audit', '--db', missing], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`no database at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('[CLUSTER-9] audits a PostgreSQL database (--database-url / PARLEY_DATABASE_URL) the same way, and never migrates one', async () => {
    const store = await PostgresStore.open({ url: pgAudited.url });
    await seed(store);
    await store.close();
    const clean = spawnSync(process.execPath, [bin, 'audit', '--database-url', pgAudited.url], { encoding: 'utf8' });
    expect(clean.stderr).toBe('');
    expect(clean.status).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, sumOfBalances: 0, reportsChecked: 1, transfers: 3 });
    const viaEnv = spawnSync(process.execPath, [bin, 'audit'], { encoding: 'utf8', env: { ...process.env, PARLEY_DATABASE_URL: pgAudited.url, PARLEY_DB: '' } });
    expect(viaEnv.status).toBe(0);

    // A balance changed behind the ledger's back is caught on PostgreSQL too.
    await adminQueryOn(pgAudited.url, "UPDATE accounts SET balance = balance + 5 WHERE id = 'r:default:ann'");
    const caught = spawnSync(process.execPath, [bin, 'audit', '--database-url', pgAudited.url], { encoding: 'utf8' });
    expect(caught.status).toBe(1);
    expect(JSON.parse(caught.stdout)).toMatchObject({ ok: false, balanceMismatches: [{ account: 'r:default:ann' }] });

    // A database with no Parley schema: exit 2, and it still has no tables afterwards.
    const empty = spawnSync(process.execPath, [bin, 'audit', '--database-url', pgEmpty.url], { encoding: 'utf8' });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('holds no Parley schema');
    expect(await tableCount(pgEmpty.url)).toBe(0);
    // Both a file and a URL: refused, as for serve and migrate.
    const both = spawnSync(process.execPath, [bin, 'audit', '--db', 'x.db', '--database-url', pgAudited.url], { encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('give one');
  }, 60_000); // five CLI processes, each starting Node and connecting to PostgreSQL: 20 s is too little on a loaded machine
});

async function adminQueryOn(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'");
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}
