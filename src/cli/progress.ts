// A live status line: rewritten in place on a terminal, or printed as plain
// lines at most every few seconds when stderr is a file or a CI log.

export interface Progress {
  update(text: string): void;
  done(text: string): void;
}

export function createProgress(
  stream: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
  plainEveryMs = 5000,
): Progress {
  let lastPlain = 0;
  return {
    update(text) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${text}`);
        return;
      }
      const now = Date.now();
      if (now - lastPlain < plainEveryMs) return;
      lastPlain = now;
      stream.write(`${text}\n`);
    },
    done(text) {
      stream.write(stream.isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
    },
  };
}
