/** Docker's multiplexed stream frame: [stream, 0, 0, 0, size (big-endian u32)] + payload. */
export function frame(stream: 0 | 1 | 2, data: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
export const RAW = 'application/vnd.docker.raw-stream';
