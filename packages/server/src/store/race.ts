/**
 * A meeting point for the race tests of the conformance suites: two write transactions each call
 * `meet()` between their reads and their writes, so on a store that runs transactions side by side
 * both have read before either writes — the interleaving that breaks a read-then-write command.
 * On a store that runs one transaction at a time the first one waits `timeoutMs` and goes on alone;
 * a transaction that is run again after a serialization failure finds the meeting over and does not wait.
 */
export function rendezvous(parties = 2, timeoutMs = 150): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const everyone = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived >= parties) release();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([everyone, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  };
}
