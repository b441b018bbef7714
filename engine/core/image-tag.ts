import { EngineError } from '../errors.ts';
import { parseReference } from '../oci/reference.ts';
import type { ImageRecord } from './records.ts';
import type { Core } from './context.ts';
import { lastTagTime, resolveImageId, tagKey } from './image-store.ts';

/** `docker tag SOURCE TARGET`: TARGET (a name with an optional tag, never a digest) now names SOURCE's image. */
export async function tag(core: Core, source: string, target: string): Promise<void> {
  const ref = parseReference(target);
  if (ref.digest) throw new EngineError('invalid-argument', 'refusing to create a tag with a digest reference');
  await core.imageLock.run(async () => {
    const id = await resolveImageId(core, source);
    const record = await core.ports.metadata.get<ImageRecord>('images', id);
    if (!record) throw new EngineError('not-found', `No such image: ${source}`);
    const key = tagKey(ref);
    await core.ports.metadata.batch([
      { op: 'put', bucket: 'tags', key, value: id },
      { op: 'put', bucket: 'images', key: id, value: { ...record, lastTagTime: lastTagTime(core) } },
    ]);
    core.events.emit('image', 'tag', id, { name: key });
  });
}
