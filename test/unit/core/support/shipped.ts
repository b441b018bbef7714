/** The shipped images (images/assemble) built from the committed box.wasm, cached per test file. */
import { appletList } from '../../../../images/assemble/applet-list.ts';
import { box } from '../../../../images/assemble/base-images.ts';
import { imageLayoutFiles } from '../../../../engine/oci/image-layout.ts';
import { BOX_WASM } from './test-host.ts';
import { addLayoutFiles, Layout } from './oci-fixtures.ts';

let cached: Promise<Map<string, Uint8Array>> | undefined;

export async function boxLayoutFiles(): Promise<Map<string, Uint8Array>> {
  cached ??= appletList(BOX_WASM).then((applets) => imageLayoutFiles([box(BOX_WASM, applets)]));
  return cached;
}

/** A layout with `box` (library/box: tags 1.0 and latest). */
export async function layoutWithBox(layout = new Layout()): Promise<Layout> {
  addLayoutFiles(layout, 'box', await boxLayoutFiles());
  return layout;
}
