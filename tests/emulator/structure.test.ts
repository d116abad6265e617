// The emulator's shape (emulator/README.md): one error catalogue, the Graph pipeline's stages in
// their order, and routes that change the tenant only through the store's operations.
import * as fs from "fs";
import * as path from "path";
import { GRAPH_STAGES } from "../../emulator/pipeline";

const EMULATOR = path.join(__dirname, "../../emulator");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

const relative = (file: string) => path.relative(EMULATOR, file).split(path.sep).join("/");

test("every error answer is built in the error catalogue (graphErrors.ts only defines the type and envelope)", () => {
  const builders = sources(EMULATOR)
    .filter((file) => /new GraphError\(/.test(fs.readFileSync(file, "utf8")))
    .map(relative)
    .sort();
  expect(builders).toEqual(["errorCatalogue.ts", "graphErrors.ts"]);
});

test("the Graph pipeline's stages, in order", () => {
  expect(GRAPH_STAGES.map((stage) => stage.name)).toEqual([
    "claimWriteTarget",
    "addLatency",
    "applyFaultRules",
    "authenticate",
    "limitRate",
    "checkRoute",
    "authorize",
    "refuseOverlappingWrite",
    "handle",
    "repeatNextLink",
    "persist",
    "loseAnswer",
  ]);
});

test("routes reach the tenant only through the store's operations, never its record collections", () => {
  const offending = sources(path.join(EMULATOR, "routes"))
    .filter((file) => /storeRecords|CaseInsensitiveCollection|\.store\.(idps|flows|sets|policyFiles)\b/.test(fs.readFileSync(file, "utf8")))
    .map(relative);
  expect(offending).toEqual([]);
});
