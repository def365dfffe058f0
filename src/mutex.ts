// One async operation at a time, in the order they asked: for work that
// awaits in the middle and must not interleave with another of its kind
// (a SQLite transaction, a model swap).

export type Mutex = <T>(work: () => T | Promise<T>) => Promise<T>;

export function createMutex(): Mutex {
  let tail: Promise<void> = Promise.resolve();
  return async (work) => {
    const previous = tail;
    let release!: () => void;
    tail = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  };
}
