/**
 * Which language a `<parley-thread>` speaks, and its catalog. Rules (tests name them):
 *   [I18N-1] the thread's own `lang`, else the closest `lang` of the page around it (through shadow
 *            roots), else `navigator.language`, else English; a language without a catalog is English.
 *   [I18N-2] English is in parley.js; every other catalog is a lazy chunk (`chunks/<locale>-*.js`),
 *            fetched only when a thread asks for it, once.
 */
import type { Catalog } from './translator.js';

type CatalogModule = { default: Catalog };

const chunks: Record<string, () => Promise<CatalogModule>> = {
  es: () => import('./es.js'),
  fr: () => import('./fr.js'),
  ar: () => import('./ar.js'),
};

/** Every locale with a catalog, English first. */
export const Locales = ['en', ...Object.keys(chunks)];

const loaded = new Map<string, Catalog | null>();
const loading = new Map<string, Promise<Catalog | null>>();

/** [I18N-1] The language asked for, as a BCP 47 tag (not yet matched to a catalog). */
export function requestedLanguage(element: Element): string {
  for (let node: Element | null = element; node; node = (node.getRootNode() as ShadowRoot).host ?? null) {
    const lang = node.closest('[lang]:not([lang=""])')?.getAttribute('lang');
    if (lang) return lang;
  }
  return globalThis.navigator?.language || 'en';
}

/** The tag `Intl` formats with and the catalog it reads: `es-MX` → es; `de` or a bad tag → English. */
export function matchLocale(tag: string): { locale: string; catalog: string } {
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0] ?? 'en';
  } catch {
    return { locale: 'en', catalog: 'en' };
  }
  const base = canonical.split('-')[0]!.toLowerCase();
  return base in chunks ? { locale: canonical, catalog: base } : base === 'en' ? { locale: canonical, catalog: 'en' } : { locale: 'en', catalog: 'en' };
}

/** A catalog already here (null for English, which needs none); undefined while it is not. */
export function loadedCatalog(name: string): Catalog | null | undefined {
  return name === 'en' ? null : loaded.get(name);
}

/** [I18N-2] Fetches a catalog chunk once; one that cannot load leaves English (null), and is retried next time. */
export function loadCatalog(name: string): Promise<Catalog | null> {
  const chunk = chunks[name];
  if (!chunk) return Promise.resolve(null);
  let promise = loading.get(name);
  if (!promise) {
    promise = chunk().then(
      (module) => (loaded.set(name, module.default), module.default),
      () => (loading.delete(name), null),
    );
    loading.set(name, promise);
  }
  return promise;
}

/**
 * [I18N-5] The host's strings: a `<script type="application/json" data-parley-strings>` child (data,
 * not script, so a strict CSP allows it) merged under the `strings` property / JSON attribute.
 * Only string messages and plural objects with `other` are kept.
 */
export function hostStrings(element: Element, given: unknown): Catalog | null {
  const script = element.querySelector(':scope > script[type="application/json"][data-parley-strings]');
  let fromScript: unknown = null;
  try {
    fromScript = script?.textContent ? JSON.parse(script.textContent) : null;
  } catch {
    console.warn('<parley-thread>: the data-parley-strings script is not valid JSON; its strings are ignored.');
  }
  const strings: Record<string, unknown> = {};
  for (const source of [fromScript, given]) {
    if (!source || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source)) {
      const plural = value && typeof value === 'object' && typeof (value as { other?: unknown }).other === 'string';
      if (typeof value === 'string' || plural) strings[key] = value;
    }
  }
  return Object.keys(strings).length ? (strings as Catalog) : null;
}
