/**
 * Streams an XML file into element events without ever holding the document: `sax` in its loose
 * (non-strict) mode, fed chunk by chunk from a file stream, so an export of hundreds of MB costs the
 * memory of one record.
 *
 * Why `sax` (isaacs/sax-js) and loose mode: real exports are not always well-formed XML — the Disqus
 * fixture has `<thread dsq:id=247937687/>`, an unquoted attribute. A strict parser (`saxes`, which
 * is strict-only by design, or `sax` strict) stops the whole file at the first such byte; loose mode
 * reads the attribute and goes on, and the record it spoils is reported by the reader, not fatal.
 * Names are lower-cased (`createdAt` → `createdat`), as loose mode does for HTML-like input.
 */
import { createReadStream } from 'node:fs';
import sax from 'sax';

export interface XmlOpen {
  type: 'open';
  name: string;
  attributes: Record<string, string>;
  /** 1-based line of the tag, for reports about records without an id. */
  line: number;
}
export interface XmlText {
  type: 'text';
  text: string;
}
export interface XmlClose {
  type: 'close';
  name: string;
}
export type XmlEvent = XmlOpen | XmlText | XmlClose;

/** Yields the file's elements and text in order; CDATA is text. Never throws on malformed markup. */
export async function* xmlEvents(path: string): AsyncGenerator<XmlEvent> {
  const parser = sax.parser(false, { lowercase: true, trim: false, normalize: false, position: true });
  let pending: XmlEvent[] = [];
  parser.onopentag = (node) => {
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(node.attributes)) attributes[key] = typeof value === 'string' ? value : value.value;
    pending.push({ type: 'open', name: node.name, attributes, line: parser.line + 1 });
  };
  parser.ontext = (text) => pending.push({ type: 'text', text });
  parser.oncdata = (text) => pending.push({ type: 'text', text });
  parser.onclosetag = (name) => pending.push({ type: 'close', name });
  // Loose mode reports few errors; any it does is about markup, not fatal: note it and read on.
  parser.onerror = () => {
    (parser as { error: Error | null }).error = null;
  };
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  for await (const chunk of stream as AsyncIterable<string>) {
    parser.write(chunk);
    const ready = pending;
    pending = [];
    yield* ready;
  }
  parser.close();
  yield* pending;
}

/**
 * Collects one record element's leaf texts and attributes by path (`author/name`, `thread@dsq:id`),
 * so a reader looks fields up by name and never walks a tree.
 */
export class RecordCollector {
  readonly fields = new Map<string, string>();
  private readonly path: string[] = [];

  constructor(readonly line: number) {}

  open(event: XmlOpen): void {
    this.path.push(event.name);
    const at = this.path.join('/');
    for (const [key, value] of Object.entries(event.attributes)) this.fields.set(`${at}@${key}`, value);
  }

  text(text: string): void {
    if (this.path.length === 0) return;
    const at = this.path.join('/');
    this.fields.set(at, (this.fields.get(at) ?? '') + text);
  }

  /** False when the record's own element closed (the collector is done). */
  close(): boolean {
    return this.path.pop() !== undefined && this.path.length > 0;
  }

  get depth(): number {
    return this.path.length;
  }

  /** The trimmed text at `path`; null when absent or blank. */
  get(path: string): string | null {
    const value = this.fields.get(path)?.trim();
    return value ? value : null;
  }

  /** The text at `path` exactly as written (bodies keep their line breaks). */
  raw(path: string): string | null {
    return this.fields.get(path) ?? null;
  }
}
