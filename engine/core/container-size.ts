import type { Core } from './context.ts';
import type { ContainerRecord } from './records.ts';
import { snapshotDiff } from './snapshot-layer.ts';
import { diffTrees } from '../layers/layer-diff.ts';

/**
 * A container's sizes as Docker reports them (`ps -s`, `system df`, `/containers/json?size=1`):
 * SizeRw is the bytes of the files its writable layer added or changed, SizeRootFs the whole
 * merged file system. A container whose snapshot is gone shows zero for both.
 */
export async function containerSize(core: Core, c: ContainerRecord): Promise<{ SizeRw: number; SizeRootFs: number }> {
  try {
    const { lower, upper } = await snapshotDiff(core, c.Id, c.layers);
    let sizeRw = 0;
    for (const ch of diffTrees(lower, upper)) {
      const node = ch.kind === 'D' ? undefined : upper.lstat(ch.path.slice(1));
      if (node?.type === 'file') sizeRw += node.content.length;
    }
    return { SizeRw: sizeRw, SizeRootFs: upper.size() };
  } catch {
    return { SizeRw: 0, SizeRootFs: 0 };
  }
}
