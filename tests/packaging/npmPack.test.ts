// npm pack -> install the tarball into a fresh consumer project -> use it there. Catches what only a
// consumer's node_modules shows: the exports map, files missing from the package, dependencies the
// serialized providers require at run time.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.join(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

test("the packed library works from a consumer's node_modules", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-identity-consumer-"));
  try {
    execFileSync(npm, ["run", "build", "--silent"], { cwd: root, stdio: "pipe" });
    const packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" }));
    const tarball = path.join(work, packed[0].filename);
    const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain("dist/components/index.js");
    expect(files).toContain("dist/emulator/index.js");
    expect(files).toContain("dist/policies/schema/TrustFrameworkPolicy_0.3.0.0.xsd");
    expect(files.some((f) => f.startsWith("tests/") || f.endsWith(".test.ts"))).toBe(false);

    const consumer = path.join(work, "consumer");
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    const pulumiVersion = require("@pulumi/pulumi/package.json").version;
    const rfsVersion = require("require-from-string/package.json").version;
    execFileSync(
      npm,
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", tarball, `@pulumi/pulumi@${pulumiVersion}`, `require-from-string@${rfsVersion}`],
      { cwd: consumer, stdio: "pipe" },
    );
    fs.copyFileSync(path.join(__dirname, "consumer.js"), path.join(consumer, "consumer.js"));
    const out = execFileSync(process.execPath, ["consumer.js"], { cwd: consumer, encoding: "utf8", env: process.env });
    const result = JSON.parse(out.trim().split("\n").pop()!);
    expect(result.components).toEqual(expect.arrayContaining(["WeChatIdentityProvider", "QQIdentityProvider", "PolicyKey", "B2CSocialSignIn"]));
    expect(result.results.map((r: any) => r.type).sort()).toEqual([
      "pulumi-nodejs:dynamic/b2c-identity:IdentityProvider",
      "pulumi-nodejs:dynamic/b2c-identity:PolicyKey",
    ]);
    for (const r of result.results) {
      expect(r.createdId).toBeTruthy();
      expect(r.readId).toBe(r.createdId);
      // From node_modules the serializer references the package instead of inlining it.
      expect(r.requiresPackage).toBe(true);
      expect(r.providerMentionsSecret).toBe(false);
    }
    expect(result.leftInTenant).toBe(0);
    // The other providers serialize in the consumer and load back, ready to run.
    expect(result.loaded).toEqual([
      "pulumi-nodejs:dynamic/b2c-identity:TrustFrameworkPolicy",
      "pulumi-nodejs:dynamic/b2c-identity:UserFlow",
      "pulumi-nodejs:dynamic/b2c-identity:UserFlowIdentityProvider",
    ]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
