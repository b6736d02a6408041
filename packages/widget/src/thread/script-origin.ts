/** The origin that served parley.js: where the Parley server lives unless `server` says otherwise. */
export const SCRIPT_ORIGIN = ((): string => {
  try {
    const origin = new URL(import.meta.url).origin;
    return origin === 'null' ? globalThis.location?.origin ?? '' : origin;
  } catch {
    return globalThis.location?.origin ?? '';
  }
})();
