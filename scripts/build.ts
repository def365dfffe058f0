// `npm run build`: the single binary. dist/keel is src/cli.ts compiled with
// Bun (the training Worker and the GBDT's histogram helper as further entry points, the bundled data and SQL
// migrations embedded), and dist/libonnxruntime.so.1 is the one file it needs
// beside it. Copy dist/ anywhere and run `./keel serve`: no node_modules, no Bun.

import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const DIST = join(ROOT, "dist");
const ORT_LIBRARY = join(
  ROOT,
  "node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1",
);

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
const build = Bun.spawnSync(
  [
    process.execPath,
    "build",
    "--compile",
    "--minify-syntax",
    join(ROOT, "src/cli.ts"),
    join(ROOT, "src/training/worker.ts"),
    join(ROOT, "src/training/gbdt/histogram-worker.ts"),
    "--outfile",
    join(DIST, "keel"),
  ],
  { cwd: ROOT, stdout: "inherit", stderr: "inherit" },
);
if (build.exitCode !== 0) process.exit(build.exitCode ?? 1);
copyFileSync(ORT_LIBRARY, join(DIST, "libonnxruntime.so.1"));
console.log(`built ${join(DIST, "keel")} and ${join(DIST, "libonnxruntime.so.1")}`);
