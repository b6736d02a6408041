/** [PAINT-16] The build ships Lit's html`` / svg`` literals without their indentation (vite.config.ts). */
import { describe, expect, it } from 'vitest';
import { squeezeHtmlLiterals } from '../../vite.config.js';

describe('[PAINT-16] html literals without indentation', () => {
  it('[PAINT-16] a run of whitespace holding a line break keeps only its line breaks, in html`` and svg`` only', () => {
    const source = [
      'const a = html`<div>',
      '    <span>${x}</span>  <b>y</b>',
      '  </div>`;',
      'const b = svg`<path',
      '    d="M0 0"/>`;',
      'const c = `keep\n    this`;',
      'const d = css`a {\n  color: red }`;',
    ].join('\n');
    expect(squeezeHtmlLiterals(source)).toBe([
      'const a = html`<div>',
      '<span>${x}</span>  <b>y</b>',
      '</div>`;',
      'const b = svg`<path',
      'd="M0 0"/>`;',
      'const c = `keep\n    this`;',
      'const d = css`a {\n  color: red }`;',
    ].join('\n'));
  });

  it('[PAINT-16] nested templates, expressions with braces, strings, comments and regular expressions are read as such', () => {
    const source = [
      'html`<ul>',
      '    ${items.map((i) => html`<li class=${`a ${i.b}`}>',
      '        ${i.text}</li>`)}',
      '  </ul>`;',
      "const s = 'html`  not a template';",
      '// html` neither',
      'const r = /`/g; const o = { k: 1 };',
      'x = html`<p>\n   ${{ a: 1 }.a}\n   </p>`;',
    ].join('\n');
    expect(squeezeHtmlLiterals(source)).toBe([
      'html`<ul>',
      '${items.map((i) => html`<li class=${`a ${i.b}`}>',
      '${i.text}</li>`)}',
      '</ul>`;',
      "const s = 'html`  not a template';",
      '// html` neither',
      'const r = /`/g; const o = { k: 1 };',
      'x = html`<p>\n${{ a: 1 }.a}\n</p>`;',
    ].join('\n'));
  });

  it('[PAINT-16] the code around the literals is left as it is', () => {
    const source = 'function f() {\n    return a / b / c;\n}\nconst t = html`<i>\n  x</i>`;\n';
    expect(squeezeHtmlLiterals(source)).toBe('function f() {\n    return a / b / c;\n}\nconst t = html`<i>\nx</i>`;\n');
  });
});
