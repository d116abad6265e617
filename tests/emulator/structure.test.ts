// The emulator's shape (emulator/README.md): the Graph pipeline's stages in their order. That every
// error answer is built in the error catalogue, and that routes change the tenant only through the
// store's operations, are import and syntax rules in eslint.config.js (`npm run lint`), proven to
// fire by tests/lint/boundaries.test.ts.
import { GRAPH_STAGES } from "../../emulator/pipeline";

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
