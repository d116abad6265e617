// The one table of consistency windows (kernel/consistency.ts) and the read-after-write grace
// every provider's `read` takes from it.
import { CONSISTENCY_WINDOWS_MS, readGraceMs } from "../../kernel/consistency";

test("the read-after-write grace counts down from the write and is 0 when the write time is unknown", () => {
  const written = 1_700_000_000_000;
  expect(readGraceMs(undefined, written)).toBe(0);
  expect(readGraceMs("yesterday", written)).toBe(0);
  expect(readGraceMs(written, written)).toBe(CONSISTENCY_WINDOWS_MS.readAfterWrite);
  expect(readGraceMs(written, written + 10_000)).toBe(CONSISTENCY_WINDOWS_MS.readAfterWrite - 10_000);
  expect(readGraceMs(written, written + CONSISTENCY_WINDOWS_MS.readAfterWrite + 1)).toBe(0);
  // A clock that went back never stretches the grace past its window.
  expect(readGraceMs(written, written - 60_000)).toBe(CONSISTENCY_WINDOWS_MS.readAfterWrite);
});

test("a missing flow or identity provider fails an attach in under 10 s (issue 12), while fresh objects get longer", () => {
  expect(CONSISTENCY_WINDOWS_MS.attachNotFound).toBeLessThan(10_000);
  for (const window of Object.values(CONSISTENCY_WINDOWS_MS)) expect(window).toBeGreaterThan(0);
  expect(CONSISTENCY_WINDOWS_MS.freshKeySet).toBeGreaterThan(CONSISTENCY_WINDOWS_MS.attachNotFound);
});
