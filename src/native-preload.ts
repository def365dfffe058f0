// In the single binary (`npm run build`), onnxruntime's native binding is
// embedded but the shared library it links against is not: it travels beside
// the executable as libonnxruntime.so.1. Loading it first lets the binding
// find it already in the process. Imported before anything that imports
// onnxruntime-node; a no-op when running from source.

import { dlopen } from "bun:ffi";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const compiled = import.meta.path.startsWith("/$bunfs/") || import.meta.path.startsWith("B:/~BUN/");

if (compiled) {
  const library = join(dirname(process.execPath), "libonnxruntime.so.1");
  if (!existsSync(library)) {
    process.stderr.write(`keel: ${library} is missing: keep the files of dist/ together\n`);
    process.exit(1);
  }
  dlopen(library, { OrtGetApiBase: { args: [], returns: "ptr" } });
}
