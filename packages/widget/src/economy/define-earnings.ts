/**
 * Defines `<parley-earnings>` (its element, styles and report tables). parley.js imports it statically,
 * so the blocks are drawn in the first paint from the rules the first page brings [PAINT-9]; the
 * words of a refusal for want of Twei stay a chunk of their own (earnings-loader.ts).
 */
import { ParleyEarnings } from './earnings.js';

if (!customElements.get('parley-earnings')) customElements.define('parley-earnings', ParleyEarnings);

export { ParleyEarnings };
