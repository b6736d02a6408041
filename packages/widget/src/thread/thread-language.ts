/**
 * The language of one `<parley-thread>` ([I18N-1] [I18N-2] [I18N-5]): the translator for the
 * language its page asks for and the host's own strings, English until that language's catalog has
 * loaded (meanwhile `pending`, so the skeleton stays rather than English flashing by).
 */
import { englishOnly, translator, type Catalog, type Translate } from '../i18n/translator.js';
import { hostStrings, loadCatalog, loadedCatalog, matchLocale, requestedLanguage } from '../i18n/locale.js';

/** The `strings` attribute: JSON, or nothing (with a console warning saying why) when it is not. */
export function parseStrings(value: string | null): Catalog | null {
  try {
    return value ? (JSON.parse(value) as Catalog) : null;
  } catch {
    console.warn('<parley-thread>: the strings attribute is not valid JSON; its strings are ignored.');
    return null;
  }
}

export class ThreadLanguage {
  /** The words of the language resolved for this thread; English until its catalog is here. */
  t: Translate = englishOnly;
  /** The language's catalog is on its way. */
  pending = false;
  private key = '';
  /** The host's strings as last parsed, with what they were parsed from (a child may arrive after connecting). */
  private host: { given: unknown; script: string | undefined; strings: Catalog | null } | null = null;

  /** Resolves the language for `element` and its `strings`; `loaded` is called when a catalog that was on its way arrives. */
  ensure(element: HTMLElement, given: Catalog | null, loaded: () => void): void {
    const { locale, catalog } = matchLocale(requestedLanguage(element));
    const script = element.querySelector(':scope > script[data-parley-strings]')?.textContent;
    if (this.host?.given !== given || this.host.script !== script) {
      this.host = { given, script, strings: hostStrings(element, given) };
    }
    const strings = this.host.strings;
    const key = JSON.stringify([locale, strings]);
    if (key === this.key) return;
    this.key = key;
    const ready = loadedCatalog(catalog);
    this.pending = ready === undefined;
    this.t = translator(ready === undefined ? 'en' : locale, ready ?? null, strings);
    if (ready !== undefined) return;
    void loadCatalog(catalog).then((catalogLoaded) => {
      if (this.key !== key) return;
      this.pending = false;
      this.t = translator(catalogLoaded ? locale : 'en', catalogLoaded, strings);
      loaded();
    });
  }
}
