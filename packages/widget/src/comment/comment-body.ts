/**
 * A comment's words (SPEC MD-8). A body without a tree is plain paragraphs, shown as its text with
 * its newlines (blank lines between paragraphs) — what the server leaves out as plain reads so. A formatted body is drawn by
 * the lazy rich-body chunk, fetched when the first formatted comment renders; until it has loaded,
 * its source shows as text for that moment. Never HTML from a reader: text bindings only.
 *
 * @csspart body - the words. @csspart link - a link. @csspart mention - an `@Name` of someone in the
 * thread. @csspart code - inline code. @csspart code-block - a fenced block. @csspart quote
 */
import { css, html, type ReactiveElement, type TemplateResult } from 'lit';
import type { RichText } from '@parley/protocol';

type RichChunk = typeof import('./rich-body.js');

let rich: RichChunk | null = null;
/**
 * Fetched when the first formatted comment renders — never before the first paint (PAINT-7: only
 * parley.js precedes the first comment) — and drawn as its source text for that moment.
 */
let loading: Promise<void> | null = null;
const loadRich = (): Promise<void> =>
  (loading ??= import('./rich-body.js').then(
    (chunk) => void (rich = chunk),
    () => void (loading = null), // retried by the next formatted comment
  ));

export function renderBody(host: ReactiveElement, body: string, doc: RichText | undefined, hidden: boolean): TemplateResult {
  if (doc && !rich) void loadRich().then(() => host.requestUpdate());
  return html`<div class="body" part="body" ?hidden=${hidden}>${doc && rich ? rich.renderDoc(host, doc) : body}</div>`;
}

/** Plain bodies keep their newlines; the time's permalink looks like the time (compact: parley.js has a budget). */
export const commentBodyStyles = css`
  .permalink{color:inherit;text-decoration:none}.permalink:hover{text-decoration:underline}
`;
