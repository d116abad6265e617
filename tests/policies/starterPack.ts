/**
 * Test data: Microsoft's custom-policy starter pack (MIT, see tests/fixtures/b2c-starterpack/LICENSE),
 * copied into the repository so the tests need nothing outside it.
 */
import * as fs from "fs";
import * as path from "path";

export const STARTER_PACK_DIR = path.join(__dirname, "..", "fixtures", "b2c-starterpack");

export type StarterPackVariant = "SocialAccounts" | "SocialAndLocalAccounts";
export const VARIANTS: StarterPackVariant[] = ["SocialAccounts", "SocialAndLocalAccounts"];

export interface PolicyFileData {
  fileName: string;
  xml: string;
}

const cache = new Map<string, string>();

export function readStarterPackFile(variant: StarterPackVariant, fileName: string): string {
  const file = path.join(STARTER_PACK_DIR, variant, fileName);
  let xml = cache.get(file);
  if (xml === undefined) {
    xml = fs.readFileSync(file, "utf8");
    cache.set(file, xml);
  }
  return xml;
}

/** All policy files of a variant, in directory (alphabetical) order. */
export function readStarterPack(variant: StarterPackVariant): PolicyFileData[] {
  return fs
    .readdirSync(path.join(STARTER_PACK_DIR, variant))
    .filter((f) => f.endsWith(".xml"))
    .sort()
    .map((fileName) => ({ fileName, xml: readStarterPackFile(variant, fileName) }));
}

/** Relying-party files of a variant (everything that is not TrustFramework*). */
export function relyingPartyFiles(variant: StarterPackVariant): string[] {
  return readStarterPack(variant)
    .map((f) => f.fileName)
    .filter((f) => !f.startsWith("TrustFramework"));
}
