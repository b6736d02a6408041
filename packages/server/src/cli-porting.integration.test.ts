import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';

const packageDir = resolve(fileURLToPath(import.meta.url), '../..');
const bin = join(packageDir, 'bin/parley.js');
const fixtures = process.env.PARLEY_FIXTURES ? join(process.env.PARLEY_FIXTURES, 'import') : resolve(packageDir, '../../../shared/fixtures/import');

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-porting-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const cli = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, PARLEY_CONFIG: '', PARLEY_DATABASE_URL: '' } });
const withoutTimestamp = (text: string) => text.replace(/"exportedAt":"[^"]+"/, '"exportedAt":""');

describe('parley import / export', () => {
  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', packageDir], { stdio: 'inherit' });
  }, 120_000);

  it('[IMPORT-1] [IMPORT-8] [EXPORT-2] the CLI imports a Disqus file, exports it, and a fresh database reads the export back to the same file', () => {
    const dir = tempDir();
    const first = cli(['import', 'disqus', join(fixtures, 'disqus-remark42.xml'), '--site', 'news', '--db', join(dir, 'a.db')]);
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout) as { comments: { imported: number }; skipped: { spam: number }; unreadable: { ref: string }[] };
    expect(report.comments.imported).toBe(4);
    expect(report.skipped.spam).toBe(1);
    expect(report.unreadable.map((u) => u.ref)).toEqual(['post x299986073']);

    expect(cli(['export', '--site', 'news', '--db', join(dir, 'a.db'), '--out', join(dir, 'a.jsonl')]).status).toBe(0);
    expect(cli(['import', 'json', join(dir, 'a.jsonl'), '--site', 'news', '--db', join(dir, 'b.db')]).status).toBe(0);
    const again = cli(['export', '--site', 'news', '--db', join(dir, 'b.db')]);
    expect(again.status).toBe(0);
    expect(withoutTimestamp(again.stdout)).toBe(withoutTimestamp(readFileSync(join(dir, 'a.jsonl'), 'utf8')));
    // Four CLI processes one after another: on a loaded 2-core machine each takes seconds to start.
  }, 90_000);

  it('[IMPORT-8] a missing file or format is refused with the reason and exit code 2', () => {
    const dir = tempDir();
    const missing = cli(['import', 'disqus', join(dir, 'nope.xml'), '--site', 'news', '--db', join(dir, 'a.db')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no file at');
    const format = cli(['import', 'blogger', join(dir, 'nope.xml'), '--site', 'news']);
    expect(format.status).toBe(2);
    expect(format.stderr).toContain('import disqus|wordpress|json');
  }, 90_000);
});
