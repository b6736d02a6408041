/** Loads the `<parley-earnings>` chunk once (see define-earnings.ts); a failed load is retried next time. */
type EconomyChunk = typeof import('./define-earnings.js');

let loading: Promise<EconomyChunk> | null = null;

export function loadEconomyChunk(): Promise<EconomyChunk> {
  loading ??= import('./define-earnings.js').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** Starts loading the chunk (the blocks appear once it has defined `<parley-earnings>`). */
export function loadEarnings(): Promise<void> {
  return loadEconomyChunk().then(
    () => undefined,
    () => undefined,
  );
}
