// The plugin's memory of `pulumi import` reads (kernel/importing.ts): the engine's Check that follows
// an import read, with exactly the inputs that read answered as both old and new inputs, is told
// apart from every other Check; once only, and whatever order the engine sends the keys in.
import { ImportReads, isReadWithoutState } from "../../kernel/importing";

const URN = "urn:pulumi:test::proj::b2c-identity:index:IdentityProvider::qq";
const INPUTS = { type: "QQ", clientId: "101000001", displayName: "QQ", adoptExisting: true };

test("the Check after the import read is recognised once, keys in any order", () => {
  const reads = new ImportReads();
  reads.answered(URN, INPUTS);
  const reordered = { adoptExisting: true, displayName: "QQ", clientId: "101000001", type: "QQ" };
  expect(reads.isImportCheck(URN, reordered, reordered)).toBe(true);
  expect(reads.isImportCheck(URN, reordered, reordered)).toBe(false);
});

test("a Check with other inputs (a program's, with its secret) or for another resource is not the import's", () => {
  const reads = new ImportReads();
  reads.answered(URN, INPUTS);
  expect(reads.isImportCheck(URN, INPUTS, { ...INPUTS, clientSecret: "k" })).toBe(false);
  expect(reads.isImportCheck(URN.replace("::qq", "::other"), INPUTS, INPUTS)).toBe(false);
  expect(reads.isImportCheck(URN, INPUTS, INPUTS)).toBe(true);
});

test("a read without state is an import's (or a get's); one with state is a refresh", () => {
  expect(isReadWithoutState({})).toBe(true);
  expect(isReadWithoutState(undefined)).toBe(true);
  expect(isReadWithoutState({ identityProviderId: "QQ-OAUTH" })).toBe(false);
});
