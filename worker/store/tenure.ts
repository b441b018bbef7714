/**
 * The writer tenure, as the store layers of a tab see it (writer-lease.ts is the one that exists).
 *
 * Contract: while `current()` keeps one (defined) value, no other engine over the same database
 * runs a writer operation (the `writers` of withWriterLock, worker/engine-methods.ts) - no create, start, remove, tag,
 * pull, build - so records only such operations write (tags; a new container; a name) stay as
 * this engine read or wrote them. Containers another engine runs may still change state then.
 * Each commit registered with `beforeEnd` is run, and awaited, before the tenure ends, before any
 * other engine may write.
 */
export interface Tenure {
  current(): number | undefined;
  beforeEnd(commit: () => Promise<void>): void;
}
