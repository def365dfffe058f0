// Every relative link in the README, data/README.md and docs/ reaches a file
// that exists, and a `#fragment` reaches a heading in it (GitHub's slugs), so
// moving a page or renaming a section cannot leave a reader at a dead end.

import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const PAGES = [
  "README.md",
  "data/README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lowercased, punctuation dropped, spaces as dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");
}

function anchors(markdown: string): Set<string> {
  const outsideCode = markdown.replace(/^```[\s\S]*?^```/gm, "");
  return new Set([...outsideCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

function links(markdown: string): string[] {
  const outsideCode = markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
  return [...outsideCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/.test(href));
}

test.each(PAGES)("the links in %s lead somewhere", (page) => {
  const text = readFileSync(join(ROOT, page), "utf8");
  const dead: string[] = [];
  for (const href of links(text)) {
    const [path, fragment] = href.split("#") as [string, string | undefined];
    const target = path ? resolve(ROOT, dirname(page), path) : join(ROOT, page);
    if (!existsSync(target)) {
      dead.push(`${href} (no ${relative(ROOT, target)})`);
      continue;
    }
    if (fragment && target.endsWith(".md") && !anchors(readFileSync(target, "utf8")).has(fragment))
      dead.push(`${href} (no heading #${fragment})`);
  }
  expect(dead).toEqual([]);
});
