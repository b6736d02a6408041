/** Loads the `<parley-earnings>` chunk once (see define-earnings.ts); a failed load is retried next time. */
let loading: Promise<void> | null = null;

export function loadEarnings(): Promise<void> {
  loading ??= import('./define-earnings.js').then(
    () => undefined,
    () => {
      loading = null;
    },
  );
  return loading;
}
