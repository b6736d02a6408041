/**
 * The formatted body's templates (SPEC MD-8, LINK-3), a lazy chunk: most comments are plain, and
 * parley.js stays within its budget. One fixed Lit template per node type of `@parley/protocol`'s
 * rich-text.ts; every string goes in as text (no innerHTML, no unsafeHTML) and a node type this
 * widget does not know renders nothing.
 *
 * Links: only `isSafeHref` hrefs (http, https, mailto — checked again here, whatever sent the tree)
 * become `<a>`, always with `rel="nofollow ugc noopener"`. The target rule: http(s) links open in a
 * new tab (`target="_blank"`) so a reader keeps their place in the discussion; mailto links open the
 * mail client in place (no target). Anything else is shown as its words.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { RichTextLimits, isSafeHref, type RichBlock, type RichInline, type RichText } from '@parley/protocol';

type Part = TemplateResult | string | typeof nothing | Part[];

/** Nesting the renderer follows before it shows what is deeper as text (the server never sends it). */
const MAX_DEPTH = RichTextLimits.maxDepth + 2;

export const LINK_REL = 'nofollow ugc noopener';

/** Which tab a link opens in (see the module comment). */
export const linkTarget = (href: string): string | undefined => (/^https?:/i.test(href) ? '_blank' : undefined);

const styled = new WeakSet<ShadowRoot>();

/** The tree's blocks, as templates; the first time in a comment, its styles join the comment's. */
export function renderDoc(host: HTMLElement, doc: RichText): TemplateResult {
  const root = host.shadowRoot;
  const sheet = richBodyStyles.styleSheet;
  if (root && sheet && !styled.has(root) && 'adoptedStyleSheets' in root) {
    styled.add(root);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }
  return html`<div class="rich">${blocks(doc, 0)}</div>`;
}

function blocks(list: readonly RichBlock[], depth: number): Part[] {
  return list.map((block) => {
    if (depth > MAX_DEPTH) return html`<p>${textOf(block)}</p>`;
    switch (block.t) {
      case 'p':
        return html`<p>${inlines(block.c, depth + 1)}</p>`;
      case 'pre':
        return html`<pre part="code-block"><code>${block.s}</code></pre>`;
      case 'quote':
        return html`<blockquote part="quote">${blocks(block.c, depth + 1)}</blockquote>`;
      case 'ul':
        return html`<ul>${block.c.map((item) => html`<li>${blocks(item, depth + 1)}</li>`)}</ul>`;
      case 'ol':
        return html`<ol start=${block.start ?? nothing}>${block.c.map((item) => html`<li>${blocks(item, depth + 1)}</li>`)}</ol>`;
      default:
        return nothing;
    }
  });
}

function inlines(list: readonly RichInline[], depth: number): Part[] {
  return list.map((node) => {
    if (typeof node === 'string') return node;
    if (depth > MAX_DEPTH) return textOf(node);
    switch (node.t) {
      case 'em':
        return html`<em>${inlines(node.c, depth + 1)}</em>`;
      case 'strong':
        return html`<strong>${inlines(node.c, depth + 1)}</strong>`;
      case 'code':
        return html`<code part="code">${node.s}</code>`;
      case 'br':
        return html`<br />`;
      case 'mention':
        return html`<span class="mention" part="mention" data-user=${node.id}>@${node.s}</span>`;
      case 'link':
        return isSafeHref(node.href)
          ? html`<a part="link" href=${node.href} rel=${LINK_REL} target=${linkTarget(node.href) ?? nothing}>${inlines(node.c, depth + 1)}</a>`
          : inlines(node.c, depth + 1);
      default:
        return nothing;
    }
  });
}

/** A node's words, flattened. */
function textOf(node: RichBlock | RichInline): string {
  if (typeof node === 'string') return node;
  if ('s' in node) return node.s;
  if (!('c' in node)) return '';
  const children = node.c as readonly (RichBlock | RichInline | readonly RichBlock[])[];
  return children.map((child) => (Array.isArray(child) ? child.map(textOf).join(' ') : textOf(child as RichBlock | RichInline))).join(' ');
}

/** Adopted into each comment's shadow root that shows a tree (constructable: strict-CSP safe). */
export const richBodyStyles = css`
  .rich {
    white-space: normal;
  }
  .rich > :last-child {
    margin-bottom: 0;
  }
  .rich p,
  .rich ul,
  .rich ol,
  .rich blockquote,
  .rich pre {
    margin: 0 0 0.6em;
  }
  .rich li > p {
    margin: 0;
  }
  .rich ul,
  .rich ol {
    padding-left: 1.4em;
  }
  .rich blockquote {
    padding: 0 0 0 0.75em;
    border-left: 3px solid var(--_border);
    color: var(--_muted);
  }
  .rich code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
    padding: 0.05em 0.3em;
    border-radius: 4px;
    background: var(--_surface);
  }
  .rich pre {
    padding: 0.6em 0.75em;
    border-radius: 8px;
    background: var(--_surface);
    overflow-x: auto;
    white-space: pre;
  }
  .rich pre code {
    padding: 0;
    background: none;
  }
  .rich a {
    color: var(--_accent);
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }
  .mention {
    font-weight: 600;
    color: var(--_accent);
  }
`;
