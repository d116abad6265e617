// `npm install git+file://…` of a repository holding this working tree: npm clones it, installs the
// clone's dependencies, runs `prepare` (which builds dist/) and packs it. Without `prepare` a git
// install gives a package with no dist/, which is what a newcomer met. Slow (about a minute, most
// of it the clone's own npm install, from the npm cache where possible).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.join(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

test("a git install builds dist/ and both entry points load", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-identity-git-"));
  try {
    // A repository with the working tree's files (tracked and new, not ignored), committed.
    const repo = path.join(work, "repo");
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
      .split("\0")
      .filter((f) => f !== "" && fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile());
    expect(files).toContain("package.json");
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.copyFileSync(path.join(root, f), path.join(repo, f));
    }
    expect(fs.existsSync(path.join(repo, "dist"))).toBe(false);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
    git("init", "-q");
    git("add", "-A");
    git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "snapshot");

    const consumer = path.join(work, "consumer");
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", `git+file://${repo}`], { cwd: consumer, stdio: "pipe" });

    const installed = path.join(consumer, "node_modules", "pulumi-b2c-identity");
    for (const f of ["dist/api/index.js", "dist/api/index.d.ts", "dist/emulator/index.js", "dist/policies/schema/TrustFrameworkPolicy_0.3.0.0.xsd"]) {
      expect(fs.existsSync(path.join(installed, f))).toBe(true);
    }
    // Only the published files: no sources, no tests.
    expect(fs.existsSync(path.join(installed, "api"))).toBe(false);
    expect(fs.existsSync(path.join(installed, "tests"))).toBe(false);
    const out = execFileSync(
      process.execPath,
      ["-e", `const lib = require("pulumi-b2c-identity"); const emu = require("pulumi-b2c-identity/emulator");
        console.log(JSON.stringify([typeof lib.WeChatIdentityProvider, typeof lib.TrustFrameworkPolicySet, typeof emu.startEmulator]))`],
      { cwd: consumer, encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual(["function", "function", "function"]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 600_000);
