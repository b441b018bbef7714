import type { LayerView } from '../../engine/engine.ts';

/** A path as the merged view shows it: which layer put it there (index into the image's layers). */
export interface MergedFile {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  size: number;
  layer: number;
  /** Set when a later layer changed a path an earlier one added. */
  replaced: boolean;
}

/**
 * The union file system up to and including layer `upTo`: each layer's changes applied in order,
 * bottom first; a deletion hides the path and everything under it. This is what a container of the
 * image would see, with each path marked with the layer it comes from.
 */
export function mergedTree(layers: LayerView[], upTo: number): MergedFile[] {
  const files = new Map<string, MergedFile>();
  for (let i = 0; i <= upTo && i < layers.length; i++) {
    for (const change of layers[i].changes) {
      if (change.kind === 'D') {
        for (const path of [...files.keys()]) {
          if (path === change.path || path.startsWith(`${change.path}/`)) files.delete(path);
        }
      } else {
        const before = files.get(change.path);
        files.set(change.path, {
          path: change.path,
          type: change.type,
          size: change.size,
          layer: i,
          replaced: before !== undefined && before.type !== 'dir',
        });
      }
    }
  }
  return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** Depth of a path for indentation ("/a/b" is 1). */
export function depthOf(path: string): number {
  return Math.max(0, path.split('/').filter(Boolean).length - 1);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1) || '/';
}

/** dive's efficiency: the share of the image's bytes that a container can still see. */
export function efficiency(layers: LayerView[]): { wasted: number; total: number; score: number } {
  const total = layers.reduce((n, l) => n + l.size, 0);
  const wasted = layers.reduce((n, l) => n + l.wastedBytes, 0);
  return { wasted, total, score: total === 0 ? 1 : Math.max(0, (total - wasted) / total) };
}

/** Docker's "created by" text without the shell wrapper: `RUN echo hi` rather than `/bin/sh -c echo hi`. */
export function instructionOf(createdBy: string): string {
  // Content hashes of copied files ("COPY file:d5ba54fa...64 hex... in /app/x") hide the part a
  // learner reads, the destination; 8 digits still tell two copies apart.
  const text = createdBy.trim().replace(/\b(file|dir):([0-9a-f]{8})[0-9a-f]{56}\b/g, '$1:$2…');
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(text);
  if (nop) return text.slice(nop[0].length);
  const run = /^\/bin\/sh -c /.exec(text);
  if (run) return `RUN ${text.slice(run[0].length)}`;
  return text;
}
