// A writable stream that keeps what is written, optionally pretending to be a TTY.
import { Writable } from "node:stream";

export class CaptureStream extends Writable {
  text = "";
  isTTY: boolean;
  constructor(opts: { tty?: boolean } = {}) {
    super();
    this.isTTY = opts.tty ?? false;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
