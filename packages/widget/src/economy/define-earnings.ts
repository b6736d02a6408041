/**
 * The `<parley-earnings>` chunk: its element, styles and report tables. parley.js imports it as soon
 * as a session starts (economy/earnings-loader.ts), in parallel with connecting: the blocks can only
 * draw once `economy:state` has answered over the socket, so nothing waits for it — and a page with
 * `economy="off"` never downloads it. It also carries the words of a refusal for want of Twei
 * (shortfall-words.ts), which are needed only once such a refusal arrives.
 */
import { ParleyEarnings } from './earnings.js';

if (!customElements.get('parley-earnings')) customElements.define('parley-earnings', ParleyEarnings);

export { ParleyEarnings };
export { explainRefusal } from './shortfall-words.js';
