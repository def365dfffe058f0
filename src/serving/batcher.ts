// Gathers predictions that arrive in the same event-loop turn into one model
// run. One `session.run` per request is the main cost of serving; concurrent
// requests share it instead.

export type BatchRunner<Row, Out> = (rows: Row[]) => Promise<Out[]>;

interface Pending<Row, Out> {
  rows: Row[];
  resolve: (outputs: Out[]) => void;
  reject: (error: unknown) => void;
}

export interface Batcher<Row, Out> {
  submit(rows: Row[]): Promise<Out[]>;
}

/** Requests queued before the next macrotask are run together, up to `maxRows` per run. */
export function createBatcher<Row, Out>(
  run: BatchRunner<Row, Out>,
  options: { maxRows: number },
): Batcher<Row, Out> {
  let queue: Pending<Row, Out>[] = [];
  let queuedRows = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    queuedRows = 0;
    if (batch.length > 0) void runBatch(batch);
  };

  const runBatch = async (batch: Pending<Row, Out>[]) => {
    const rows = batch.length === 1 ? batch[0]!.rows : batch.flatMap((item) => item.rows);
    try {
      const outputs = await run(rows);
      let offset = 0;
      for (const item of batch) {
        item.resolve(outputs.slice(offset, offset + item.rows.length));
        offset += item.rows.length;
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  };

  return {
    submit(rows) {
      return new Promise<Out[]>((resolve, reject) => {
        if (rows.length >= options.maxRows) {
          void runBatch([{ rows, resolve, reject }]);
          return;
        }
        if (queuedRows + rows.length > options.maxRows) flush();
        queue.push({ rows, resolve, reject });
        queuedRows += rows.length;
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
