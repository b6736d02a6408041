/**
 * Defines `<parley-composer>`. Not part of parley.js: a reader writes only once the thread is live,
 * so it comes in the chunk that brings Socket.IO (transport/deferred-connection.ts) [PAINT-7].
 */
import { ParleyComposer } from './composer.js';

if (!customElements.get('parley-composer')) customElements.define('parley-composer', ParleyComposer);

export { ParleyComposer };
