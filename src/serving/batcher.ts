// Gathers predictions that arrive in the same event-loop turn into one model
// run. One `session.run` per request is the main cost of serving; concurrent
// requests share it instead.

export type BatchRunner<In, Out> = (input: In) => Promise<Out>;

/** How inputs are counted and joined, and how a joined run's output is split back. */
export interface BatchShape<In, Out> {
  rows(input: In): number;
  concat(inputs: In[]): In;
  /** Rows [offset, offset + count) of a run's output. */
  slice(output: Out, offset: number, count: number): Out;
}

interface Pending<In, Out> {
  input: In;
  rows: number;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

export interface Batcher<In, Out> {
  submit(input: In): Promise<Out>;
}

/** Requests queued before the next macrotask are run together, up to `maxRows` per run. */
export function createBatcher<In, Out>(
  run: BatchRunner<In, Out>,
  shape: BatchShape<In, Out>,
  options: { maxRows: number },
): Batcher<In, Out> {
  let queue: Pending<In, Out>[] = [];
  let queuedRows = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    queuedRows = 0;
    if (batch.length > 0) void runBatch(batch);
  };

  const runBatch = async (batch: Pending<In, Out>[]) => {
    try {
      const input = batch.length === 1 ? batch[0]!.input : shape.concat(batch.map((p) => p.input));
      const output = await run(input);
      if (batch.length === 1) {
        batch[0]!.resolve(output);
        return;
      }
      let offset = 0;
      for (const item of batch) {
        item.resolve(shape.slice(output, offset, item.rows));
        offset += item.rows;
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  };

  return {
    submit(input) {
      return new Promise<Out>((resolve, reject) => {
        const rows = shape.rows(input);
        if (rows >= options.maxRows) {
          void runBatch([{ input, rows, resolve, reject }]);
          return;
        }
        if (queuedRows + rows > options.maxRows) flush();
        queue.push({ input, rows, resolve, reject });
        queuedRows += rows;
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
