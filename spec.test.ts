/**
 * Rules have one home: SPEC.md. A rule is defined there by a line that starts with its id in bold
 * (`**[SRV-S3]** …`); a test names the rules it checks in brackets in its title (`it('[SRV-S3] …')`).
 * This test fails when a title cites an id SPEC.md does not define, naming the file and the id, and
 * when SPEC.md defines an id twice — so a test and the rule it claims to check cannot drift apart
 * silently, and the same id cannot mean two things in two packages.
 *
 * Titles are read from the syntax tree (it / test / describe / suite, with `.each`, `.skip`, … and
 * template literals), not by a regex over the text: an `it.each([...])` table spanning many lines,
 * or a bracket in a comment or an assertion, cannot fool it. A bracket holding a namespace alone
 * (`[LIMIT]`, no number) cites that whole group and passes when SPEC.md defines any `LIMIT-…` id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const SCANNED = ['packages', 'demo'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);
const TEST_FUNCTIONS = new Set(['it', 'test', 'describe', 'suite']);
const ID = /\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\]/g;
const DEFINITION = /^\*\*\[?([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\]?\*\*/;

interface Citation {
  file: string;
  id: string;
}

/** Every id SPEC.md defines, in order of appearance (duplicates kept, so they can be reported). */
function definedIds(spec: string): string[] {
  return spec.split('\n').flatMap((line) => {
    const match = DEFINITION.exec(line);
    return match?.[1] ? [match[1]] : [];
  });
}

/** The bracketed ids in the titles of the tests and suites a TypeScript source declares. */
function citedIds(source: string, fileName = 'test.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const ids: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && TEST_FUNCTIONS.has(rootName(node.expression) ?? '')) {
      const title = staticText(node.arguments[0]);
      if (title !== undefined) for (const match of title.matchAll(ID)) if (match[1]) ids.push(match[1]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return ids;
}

/** `it`, for `it`, `it.skip`, `it.each(table)` and `describe.concurrent.each(table)`. */
function rootName(callee: ts.Expression): string | undefined {
  let node: ts.Expression = callee;
  while (ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) node = node.expression;
  return ts.isIdentifier(node) ? node.text : undefined;
}

/** The literal text of a title; for a template, its literal parts (ids are never interpolated). */
function staticText(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Cited ids the spec lacks; a namespace alone (`[LIMIT]`) needs one id of that namespace. */
function missingIds(citations: Citation[], defined: Iterable<string>): Citation[] {
  const ids = new Set(defined);
  const covers = (id: string) => ids.has(id) || (!/\d/.test(id) && [...ids].some((known) => known.startsWith(`${id}-`)));
  return citations.filter((citation) => !covers(citation.id));
}

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}

describe('SPEC.md and the rules the tests cite', () => {
  const defined = definedIds(readFileSync(join(ROOT, 'SPEC.md'), 'utf8'));
  const citations = SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir))).flatMap((path) => {
    const file = relative(ROOT, path);
    return [...new Set(citedIds(readFileSync(path, 'utf8'), file))].map((id) => ({ file, id }));
  });

  it('every id a test title cites is defined in SPEC.md', () => {
    expect(citations.length).toBeGreaterThan(0);
    expect(missingIds(citations, defined).map(({ file, id }) => `${file}: [${id}] is not in SPEC.md`)).toEqual([]);
  });

  it('SPEC.md defines each id once', () => {
    expect(defined.length).toBeGreaterThan(0);
    expect(duplicates(defined).map((id) => `**${id}** is defined more than once in SPEC.md`)).toEqual([]);
  });

  it('titles are read from the syntax tree: every test form, never comments or assertions', () => {
    const source = [
      "// it('[NOT-1] a comment')",
      "describe('[A-1] suite', () => {",
      "  it('[B-1][B-2] two rules; [C-1] and a third', () => expect('[NOT-2]').toBe('x'));",
      '  it.each([',
      "    ['one', 1],",
      "  ])('[D-1] each %s', () => {});",
      '  test.skip(`[E-1] template ${1} and [E-2]`, () => {});',
      "  describe.concurrent.each([1])('[F-1] nested', () => {});",
      "  it('no rule [part~=flags] here', () => {});",
      '});',
    ].join('\n');
    expect(citedIds(source)).toEqual(['A-1', 'B-1', 'B-2', 'C-1', 'D-1', 'E-1', 'E-2', 'F-1']);
  });

  it('a missing id is reported with its file; a namespace alone needs one id of it', () => {
    const cited = [
      { file: 'a.test.ts', id: 'LIMIT' },
      { file: 'a.test.ts', id: 'LIMIT-1' },
      { file: 'b.test.ts', id: 'BOGUS-9' },
      { file: 'b.test.ts', id: 'NOPE' },
    ];
    expect(missingIds(cited, ['LIMIT-1'])).toEqual([cited[2], cited[3]]);
    expect(duplicates(definedIds('**A-1** x\n**A-2** y\n  **A-3** indented is no definition\n**A-1** again'))).toEqual(['A-1']);
  });
});
