// The bare baseline for bench/predict.ts: a plain `Bun.serve` that parses the
// JSON body of POST /predict and answers a fixed JSON object. It does what any
// Bun JSON endpoint must do, so keel's cost over it is the cost of serving.
// Run by the bench as a child process: PORT=<port> bun bench/baseline-server.ts

const ANSWER = { prediction: "sun", model: { name: "baseline", version: 1 } };

const server = Bun.serve({
  port: Number(process.env.PORT ?? "0"),
  hostname: "127.0.0.1",
  maxRequestBodySize: 64 * 1024 * 1024,
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/ready") return Response.json({ status: "ready" });
    if (pathname !== "/predict" || request.method !== "POST") {
      return Response.json({ error: { code: "NOT_FOUND" } }, { status: 404 });
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return Response.json({ error: { code: "MALFORMED_JSON" } }, { status: 400 });
    }
    if (typeof body !== "object" || body === null) {
      return Response.json({ error: { code: "BAD_REQUEST" } }, { status: 400 });
    }
    return Response.json(ANSWER);
  },
});

process.stdout.write(`baseline listening on ${server.port}\n`);
process.on("SIGTERM", () => {
  void server.stop(true);
  process.exit(0);
});
