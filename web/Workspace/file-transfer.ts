/** Offer bytes as a download with the given file name. */
export function download(name: string, bytes: Uint8Array, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A folder as a .zip (the format every desktop opens), paths relative to the folder. */
export async function zipFolder(files: Record<string, Uint8Array>): Promise<Uint8Array> {
  const { zipSync } = await import('fflate'); // only when a folder is downloaded
  return zipSync(files, { level: 6 });
}

/** Files picked in an <input type=file> (with webkitdirectory: their paths inside the folder). */
export async function readPicked(list: FileList): Promise<Array<{ path: string; content: Uint8Array }>> {
  const out = [];
  for (const file of Array.from(list)) {
    out.push({ path: file.webkitRelativePath || file.name, content: new Uint8Array(await file.arrayBuffer()) });
  }
  return out;
}

/** Text the editor can show: valid UTF-8 with no NUL bytes. */
export function asText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
