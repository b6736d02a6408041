/**
 * parley.js — load it with `<script type="module" src="https://comments.example.com/parley.js">`
 * and it registers `<parley-thread>` (and the elements it is made of).
 */
import { ParleyComment } from './comment/comment.js';
import { ParleyNotes } from './notes/notes.js';
import { ParleyThread } from './thread/thread.js';
import type { ParleyEarnings } from './economy/earnings.js';
import type { ParleyComposer } from './composer/composer.js';
import './economy/define-earnings.js';

export { ParleyComment, ParleyNotes, ParleyThread };
// `<parley-composer>` is defined by the live chunk (composer/define-composer.ts), after the first paint.
export type { ParleyComposer } from './composer/composer.js';
export { ParleyCommentPostedEvent, ParleyErrorEvent, ParleySignInEvent } from './events.js';
export type { Connector, ThreadConnection, ConnectionStatus } from './state/connection.js';

const elements: [string, CustomElementConstructor][] = [
  ['parley-comment', ParleyComment],
  ['parley-notes', ParleyNotes],
  ['parley-thread', ParleyThread],
];
// Defining twice throws; a page may include parley.js twice (or two versions).
for (const [name, element] of elements) {
  if (!customElements.get(name)) customElements.define(name, element);
}

// `<parley-earnings>` (the Twei blocks) is defined by economy/define-earnings.ts, imported above.
declare global {
  interface HTMLElementTagNameMap {
    'parley-thread': ParleyThread;
    'parley-comment': ParleyComment;
    'parley-composer': ParleyComposer;
    'parley-earnings': ParleyEarnings;
    'parley-notes': ParleyNotes;
  }
}
