/**
 * Test data: Microsoft's custom-policy starter pack (MIT, see tests/fixtures/b2c-starterpack/LICENSE),
 * copied into the repository so the tests need nothing outside it.
 */
import * as fs from "fs";
import * as os from "os";
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

/**
 * A temporary folder holding a variant's files as a stack would upload them: the IEF app ids filled
 * in and Facebook's client id set (the stack program's `customPolicies.folder`). The caller removes it.
 */
export function writeFilledStarterPack(prefix: string, variant: StarterPackVariant = "SocialAccounts"): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const f of readStarterPack(variant)) {
    const xml = f.xml
      .replace(/ProxyIdentityExperienceFrameworkAppId/g, "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb")
      .replace(/IdentityExperienceFrameworkAppId/g, "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa")
      .replace("facebook_clientid", "fb-app-1");
    fs.writeFileSync(path.join(folder, f.fileName), xml);
  }
  return folder;
}
