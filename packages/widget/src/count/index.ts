/** `parley-count.js`: the listing-page entry. Only `<parley-count>` — never the thread widget. */
import { ParleyCount } from './count.js';

if (!customElements.get('parley-count')) customElements.define('parley-count', ParleyCount);

export { ParleyCount, ParleyCountEvent } from './count.js';
