/**
 * Pages a write wrote to SQLite's WAL: each frame is one page (24-byte header + the page), and the
 * frames of one COMMIT are the distinct pages its transaction dirtied. Read straight from the file
 * (format: sqlite.org/fileformat2.html#walformat): the frames appended since the last `take()`,
 * those whose salt matches the header's — a WAL that restarted (new salt) is read from its start.
 * Deterministic, unlike CPU on a shared machine: the grown scenario prints it beside the CPU.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const walHeaderBytes = 32;
const frameHeaderBytes = 24;

export class WalFrames {
  private readonly fd: number;
  private readonly header = Buffer.alloc(walHeaderBytes);
  private readonly frameHeader = Buffer.alloc(frameHeaderBytes);
  private salt: bigint | null = null;
  private offset = walHeaderBytes;

  constructor(walPath: string) {
    this.fd = openSync(walPath, 'r');
    this.take();
  }

  /** Page numbers of the frames written since the last call (a page once per COMMIT that wrote it). */
  take(): number[] {
    if (readSync(this.fd, this.header, 0, walHeaderBytes, 0) < walHeaderBytes) return [];
    const pageSize = this.header.readUInt32BE(8);
    const salt = this.header.readBigUInt64BE(16);
    if (salt !== this.salt) {
      this.salt = salt;
      this.offset = walHeaderBytes;
    }
    const size = fstatSync(this.fd).size;
    const pages: number[] = [];
    while (this.offset + frameHeaderBytes + pageSize <= size) {
      readSync(this.fd, this.frameHeader, 0, frameHeaderBytes, this.offset);
      if (this.frameHeader.readBigUInt64BE(8) !== salt) break;
      pages.push(this.frameHeader.readUInt32BE(0));
      this.offset += frameHeaderBytes + pageSize;
    }
    return pages;
  }

  close(): void {
    closeSync(this.fd);
  }
}
