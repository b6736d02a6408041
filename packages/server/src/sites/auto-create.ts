/**
 * Paste-and-go (SPEC THREAD-3): a thread is created with the site's defaults only for a page whose
 * Origin the site lists explicitly (sites/origins.ts `originExplicitlyAllowed`) and only for a URL
 * on that Origin, so a script cannot mint threads for pages that do not exist.
 */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

export function urlOnOrigin(url: string, origin: string): boolean {
  const page = originOf(url);
  return page !== null && page === originOf(origin);
}
