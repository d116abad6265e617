// emulator/cli.ts: argument parsing, and a real child process printing one JSON line and stopping on SIGTERM.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliUsageError, parseCliArguments } from "../../emulator/cli";

const ROOT = path.join(__dirname, "..", "..");

// Loads the TypeScript CLI in a plain Node child (no build needed) by transpiling .ts on require.
const BOOTSTRAP = `
const fs = require("fs");
const ts = require(${JSON.stringify(path.join(ROOT, "node_modules", "typescript"))});
require.extensions[".ts"] = (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(out.outputText, filename);
};
require(${JSON.stringify(path.join(ROOT, "emulator", "cli.ts"))}).runCli(JSON.parse(process.env.CLI_ARGS));
`;

function startCli(args: string[]): { child: ChildProcess; firstLine: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, ["-e", BOOTSTRAP], { env: { ...process.env, CLI_ARGS: JSON.stringify(args) }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
    });
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => reject(new Error(`cli exited (${code}) before printing: ${stderr}`)));
  });
  return { child, firstLine, output: () => stdout };
}

test("parses every documented option", () => {
  expect(
    parseCliArguments(["--port", "4443", "--state-file=/tmp/s.json", "--tenant-name", "fabrikamb2c", "--workforce", "--rate-limit", "5,3", "--latency-ms", "20", "--consistency-window-ms=1500"]),
  ).toEqual({
    port: 4443,
    stateFile: "/tmp/s.json",
    tenantName: "fabrikamb2c",
    tenantMode: "workforce",
    faults: { rateLimit: { enabled: true, perTenantPerMinute: 5, perAppPerTenantPerMinute: 3 }, latencyMs: 20, consistencyWindowMs: 1500 },
  });
  expect(parseCliArguments(["--rate-limit", "--port", "0"]).faults!.rateLimit).toEqual({ enabled: true, perTenantPerMinute: 300, perAppPerTenantPerMinute: 200 });
  expect(parseCliArguments([])).toEqual({});
  expect(parseCliArguments(["--host", "0.0.0.0", "--allow-remote"])).toEqual({ host: "0.0.0.0", allowRemote: true });
  for (const bad of [["--port"], ["--port", "abc"], ["--port", "70000"], ["--bogus"], ["--latency-ms", "--workforce"]]) {
    expect(() => parseCliArguments(bad)).toThrow(CliUsageError);
  }
});

test("prints exactly one JSON line, serves Graph, and stops on SIGTERM", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-cli-"));
  const stateFile = path.join(dir, "state.json");
  const { child, firstLine, output } = startCli(["--port", "0", "--tenant-name", "clitenant", "--state-file", stateFile, "--latency-ms", "1"]);
  try {
    const info = JSON.parse(await firstLine);
    expect(Object.keys(info).sort()).toEqual(["caFile", "clientId", "clientSecret", "controlToken", "tenantId", "tenantName", "tokenUrl", "url"]);
    // The control API answers only to the token printed with the URL.
    expect((await fetch(`${info.url}/_emulator/faults`)).status).toBe(401);
    expect((await fetch(`${info.url}/_emulator/faults`, { headers: { authorization: `Bearer ${info.controlToken}` } })).status).toBe(200);
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.tokenUrl).toBe(`${info.url}/clitenant.onmicrosoft.com/oauth2/v2.0/token`);
    expect(info.tenantName).toBe("clitenant");
    expect(fs.existsSync(info.caFile)).toBe(true);
    const token = await fetch(info.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: info.clientId, client_secret: info.clientSecret, scope: "https://graph.microsoft.com/.default" }).toString(),
    });
    const { access_token } = await token.json();
    const created = await fetch(`${info.url}/beta/trustFramework/keySets`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "FromCli" }),
    });
    expect(created.status).toBe(201);
    expect(JSON.parse(fs.readFileSync(stateFile, "utf8")).keySets[0].id).toBe("B2C_1A_FromCli");
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output().trim().split("\n")).toHaveLength(1);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a non-loopback --host is refused without --allow-remote, naming the option", async () => {
  const { child, firstLine } = startCli(["--port", "0", "--host", "0.0.0.0"]);
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  await firstLine.catch(() => undefined);
  expect(code).not.toBe(0);
  expect(stderr).toMatch(/Refusing to listen on 0\.0\.0\.0.*--allow-remote/);
});

test("--allow-remote starts on 0.0.0.0 with a warning", async () => {
  const { child, firstLine } = startCli(["--port", "0", "--host", "0.0.0.0", "--allow-remote"]);
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  try {
    const info = JSON.parse(await firstLine);
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toMatch(/WARNING: listening on 0\.0\.0\.0/);
  } finally {
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});
