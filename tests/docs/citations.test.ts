// Code comments and the README cite Microsoft's pages (URLs) or a document kept in the repository
// (docs/...), never a file a user of the package does not have.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
// The package's folders as the build names them, and the repository's tools.
const SOURCE_DIRS = [...JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")).include, "bench", "scripts"];

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "schema" ? [] : filesUnder(full);
    return /\.(ts|js|md)$/.test(entry.name) ? [full] : [];
  });
}

const files = [...SOURCE_DIRS.flatMap((d) => filesUnder(path.join(ROOT, d))), path.join(ROOT, "index.ts"), path.join(ROOT, "README.md")].filter((f) => fs.existsSync(f));

test("the scan covers the code and the README", () => {
  expect(files.length).toBeGreaterThan(50);
  expect(files).toContain(path.join(ROOT, "README.md"));
});

test("no reference to graph-b2c-api.md except as docs/graph-b2c-api.md, which is in the repository", () => {
  const outside: string[] = [];
  for (const file of files) {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      for (const match of line.matchAll(/graph-b2c-api\.md/g)) {
        if (!line.slice(0, match.index).endsWith("docs/")) outside.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  expect(outside).toEqual([]);
  expect(fs.existsSync(path.join(ROOT, "docs", "graph-b2c-api.md"))).toBe(true);
});

test("no reference to files outside the repository (../shared, /work/...)", () => {
  const outside: string[] = [];
  for (const file of files) {
    fs.readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (/\.\.\/shared\/|\/work\/shared|\/work\/main/.test(line)) outside.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(outside).toEqual([]);
});
