// Custom policy releases (TrustFrameworkPolicySet `versioning`) through the real engine against the
// emulator, one stack walked through a release's life, the request log as witness: a new chain is
// uploaded beside the live one and only then are the relying parties re-pointed; a failure mid-chain
// leaves every relying party on the previous complete chain; a rollback is 0 chain uploads; releases
// beyond `keep` go after the switch, children first; destroy leaves nothing the stack made. The
// emulator refuses to delete a policy another inherits from (deleteInheritedPolicy "refuse"), so
// every deletion order below is also checked by the tenant.
import * as path from "path";
import type { RequestLogEntry, RunningEmulator } from "../../emulator";
import { graphFetch } from "../helpers/emulator";
import { EngineProject, useEngineStack } from "../helpers/pulumiEngine";
import { describeCalls, graphWrites } from "../helpers/requestLog";
import { STARTER_PACK_DIR } from "../policies/starterPack";

const KEY_SETS = ["B2C_1A_TokenSigningKeyContainer", "B2C_1A_TokenEncryptionKeyContainer", "B2C_1A_FacebookSecret"];
const CHAIN = ["B2C_1A_TrustFrameworkBase", "B2C_1A_TrustFrameworkLocalization", "B2C_1A_TrustFrameworkExtensions"];
const RELYING_PARTIES = ["B2C_1A_ProfileEdit", "B2C_1A_signup_signin"];
const TAGGED = /^(B2C_1A_\w+?)_r([0-9a-f]{8})$/;

// The revision (stack config b2c:extensionsRevision) changes TrustFrameworkExtensions.xml's content.
const program = (packDir: string) => `
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const b2c = require("pulumi-b2c-identity");
const config = new pulumi.Config("b2c");
const dir = ${JSON.stringify(packDir)};
const revision = config.require("extensionsRevision");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".xml")).map((fileName) => {
  let xml = fs.readFileSync(path.join(dir, fileName), "utf8").replace("facebook_clientid", "fb-app-1");
  if (fileName === "TrustFrameworkExtensions.xml") xml = xml.replace("<DisplayName>Facebook</DisplayName>", "<DisplayName>Facebook " + revision + "</DisplayName>");
  // Development mode in a production set is a warning (best practices).
  if (fileName === "SignUpOrSignin.xml") xml = xml.replace('PolicySchemaVersion="0.3.0.0"', 'PolicySchemaVersion="0.3.0.0" DeploymentMode="Development"');
  return { fileName, xml };
});
const set = new b2c.TrustFrameworkPolicySet("policies", {
  policies: files,
  identityExperienceFrameworkAppId: "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa",
  proxyIdentityExperienceFrameworkAppId: "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb",
  existingKeySetIds: ${JSON.stringify(KEY_SETS)},
  versioning: { keep: 2 },
  production: true,
});
module.exports = { policyIds: set.policyIds, release: set.release };
`;

/** "PUT id" / "DELETE id" for every policy write, in order. */
function policyWrites(log: RequestLogEntry[]): string[] {
  return graphWrites(log)
    .filter((e) => e.path.includes("/trustFramework/policies/"))
    .map((e) => `${e.method} ${decodeURIComponent(e.path.split("/")[4])}${e.status >= 400 ? ` -> ${e.status}` : ""}`);
}

/**
 * The writes of an `up` that makes a new release: its whole chain first (parents first), then one
 * upload per relying party (the switch, either order), then the deletions of a pruned release,
 * children first.
 */
function expectReleaseWrites(writes: string[], tag: string, prunedTag?: string): void {
  expect(writes.slice(0, 3)).toEqual(CHAIN.map((id) => `PUT ${id}_r${tag}`));
  expect(writes.slice(3, 5).sort()).toEqual(RELYING_PARTIES.map((id) => `PUT ${id}`));
  expect(writes.slice(5)).toEqual(prunedTag ? [...CHAIN].reverse().map((id) => `DELETE ${id}_r${prunedTag}`) : []);
}

describe("custom policy releases through the real engine", () => {
  let emu: RunningEmulator;
  let project: EngineProject;
  useEngineStack(
    (s) => ({ emu, project } = s),
    () => ({ project: { program: program(path.join(STARTER_PACK_DIR, "SocialAccounts")) }, config: { "b2c:extensionsRevision": "1" } }),
  );

  const tenantPolicies = () => new Map(emu.snapshot().policies.map((p) => [p.id, p.xml]));
  const baseOf = (xml: string) => /<BasePolicy>[\s\S]*?<PolicyId>([^<]+)<\/PolicyId>/.exec(xml)?.[1];
  /** The release tags in the tenant, each with the ids it has. */
  const releasesInTenant = () => {
    const byTag = new Map<string, string[]>();
    for (const id of tenantPolicies().keys()) {
      const m = TAGGED.exec(id);
      if (m) byTag.set(m[2], [...(byTag.get(m[2]) ?? []), m[1]]);
    }
    return byTag;
  };
  /** Every relying party's chain, followed BasePolicy by BasePolicy down to the root, as it is in the tenant. */
  const chainOf = (rp: string): string[] => {
    const policies = tenantPolicies();
    const chain: string[] = [];
    for (let id = baseOf(policies.get(rp)!); id; id = baseOf(policies.get(id)!)) {
      expect(policies.has(id)).toBe(true); // never a reference to a policy that is not there
      chain.push(id);
    }
    return chain.reverse();
  };
  const release = async () => (await project.outputs()).release;
  const rev = (r: string) => project.setConfig({ "b2c:extensionsRevision": r });
  async function noOpUp(): Promise<void> {
    emu.clearRequestLog();
    await project.up(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  }
  /** Every relying party on the whole chain of `kept[0]`; exactly the `kept` releases in the tenant and in the output, active first. */
  async function expectReleases(kept: string[]): Promise<void> {
    for (const rp of RELYING_PARTIES) expect(chainOf(rp)).toEqual(CHAIN.map((id) => `${id}_r${kept[0]}`));
    expect([...releasesInTenant().keys()].sort()).toEqual([...kept].sort());
    expect(await release()).toMatchObject({ activeRelease: kept[0], keptReleases: kept });
  }
  let tag1: string, tag2: string, tag3: string;

  beforeAll(async () => {
    emu.setBehaviour({ deleteInheritedPolicy: "refuse" });
    for (const id of KEY_SETS) expect((await graphFetch(emu, "POST", "/beta/trustFramework/keySets", { id })).status).toBe(201);
  });

  test("first up: the release's chain under tagged ids, parents first, then the relying parties pointing at it", async () => {
    emu.clearRequestLog();
    const up = await project.up();
    expect(up.stdout).toContain('DeploymentMode="Development" in a set marked production'); // the program sets it on SignUpOrSignin.xml
    tag1 = (await release()).activeRelease;
    expect(tag1).toMatch(/^[0-9a-f]{8}$/);
    expectReleaseWrites(policyWrites(emu.requestLog()), tag1);
    await expectReleases([tag1]);
    expect((await release()).relyingPartyIds).toEqual({ B2C_1A_ProfileEdit: "B2C_1A_ProfileEdit", B2C_1A_signup_signin: "B2C_1A_signup_signin" });
    expect((await release()).note).toMatch(/up to 30 minutes/);
    await noOpUp();
  });

  test("an extensions change uploads a new chain beside the live one, then only re-points the relying parties", async () => {
    await rev("2");
    emu.clearRequestLog();
    await project.up();
    tag2 = (await release()).activeRelease;
    expect(tag2).not.toBe(tag1);
    expectReleaseWrites(policyWrites(emu.requestLog()), tag2); // no deletion: the old release is kept (keep 2)
    await expectReleases([tag2, tag1]);
    await noOpUp();
  });

  test("a failure on the new chain's second upload leaves every relying party on the previous complete chain; the next up finishes", async () => {
    await rev("3");
    const before = tenantPolicies();
    emu.setFaults({ rules: [{ method: "PUT", path: "TrustFrameworkLocalization_r", status: 400, code: "BadRequest", times: 1 }] });
    emu.clearRequestLog();
    const failed = await project.up([], { allowFailure: true });
    expect(failed.code).not.toBe(0);
    const writes = policyWrites(emu.requestLog());
    expect(writes).toHaveLength(2);
    expect(writes[0]).toMatch(/^PUT B2C_1A_TrustFrameworkBase_r[0-9a-f]{8}$/);
    expect(writes[1]).toMatch(/^PUT B2C_1A_TrustFrameworkLocalization_r[0-9a-f]{8} -> 400$/);
    tag3 = TAGGED.exec(writes[0].slice(4))![2];
    // Sign-in is served by the previous release, whole and unchanged.
    const after = tenantPolicies();
    for (const rp of RELYING_PARTIES) {
      expect(after.get(rp)).toBe(before.get(rp));
      expect(chainOf(rp)).toEqual(CHAIN.map((id) => `${id}_r${tag2}`));
    }
    for (const id of CHAIN) expect(after.get(`${id}_r${tag2}`)).toBe(before.get(`${id}_r${tag2}`));
    expect((await release()).activeRelease).toBe(tag2);

    emu.setFaults({ rules: [] });
    emu.clearRequestLog();
    await project.up();
    expect((await release()).activeRelease).toBe(tag3);
    expect(policyWrites(emu.requestLog())).toEqual([
      `PUT B2C_1A_TrustFrameworkLocalization_r${tag3}`, // the base uploaded before the failure is not uploaded again
      `PUT B2C_1A_TrustFrameworkExtensions_r${tag3}`,
      ...policyWrites(emu.requestLog()).slice(2, 4), // the two relying parties (either order)…
      ...[...CHAIN].reverse().map((id) => `DELETE ${id}_r${tag1}`), // …then the oldest release, children first
    ]);
    expect(policyWrites(emu.requestLog()).slice(2, 4).sort()).toEqual(RELYING_PARTIES.map((id) => `PUT ${id}`));
    await expectReleases([tag3, tag2]);
    await noOpUp();
  });

  test("rolling the program back to the kept release re-points the relying parties with 0 chain uploads", async () => {
    await rev("2");
    emu.clearRequestLog();
    await project.up();
    expect(policyWrites(emu.requestLog()).sort()).toEqual(RELYING_PARTIES.map((id) => `PUT ${id}`));
    await expectReleases([tag2, tag3]);
    await noOpUp();
    // A refresh agrees with the tenant, the release taken back over included.
    emu.clearRequestLog();
    await project.refresh(["--expect-no-changes"]);
    expect(describeCalls(graphWrites(emu.requestLog()))).toEqual([]);
  });

  test("preview fails before any write when the release would take the tenant over B2C's 200 policies", async () => {
    // 8 policies are the stack's (two releases of 3, 2 relying parties); fill the tenant to 198.
    const fillers = Array.from({ length: 190 }, (_, i) => `B2C_1A_Filler${i}`);
    for (const id of fillers) {
      const xml = `<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="${emu.tenantDomain}" PolicyId="${id}" />`;
      expect((await graphFetch(emu, "PUT", `/beta/trustFramework/policies/${id}/$value`, xml, { "Content-Type": "application/xml" })).status).toBe(201);
    }
    await rev("4");
    emu.clearRequestLog();
    const preview = await project.preview([], { allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain("the tenant has 198 policies (198 custom policies, 0 user flows) and this release adds 3");
    expect(preview.stdout + preview.stderr).toContain("https://learn.microsoft.com/azure/active-directory-b2c/service-limits");
    expect(graphWrites(emu.requestLog())).toEqual([]);
    for (const id of fillers) expect((await graphFetch(emu, "DELETE", `/beta/trustFramework/policies/${id}`)).status).toBe(204);
  });

  test("a further release deletes the release beyond keep: the one rolled back from, children first", async () => {
    emu.clearRequestLog();
    await project.up();
    const tag4 = (await release()).activeRelease;
    expect([tag1, tag2, tag3]).not.toContain(tag4);
    expectReleaseWrites(policyWrites(emu.requestLog()), tag4, tag3);
    await expectReleases([tag4, tag2]);
    await noOpUp();
  });

  test("destroy removes every release the stack made, children first, and nothing else", async () => {
    emu.clearRequestLog();
    await project.destroy();
    expect(emu.snapshot().policies).toEqual([]);
    expect(emu.snapshot().keySets.map((k) => k.id).sort()).toEqual([...KEY_SETS].sort()); // the tenant's own keysets stay
    const writes = policyWrites(emu.requestLog());
    expect(writes.every((w) => w.startsWith("DELETE ") && !w.includes("->"))).toBe(true); // every delete answered 2xx (the tenant refuses parents first)
    expect(writes).toHaveLength(2 + 6);
  });
});
