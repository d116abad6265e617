// A Pulumi program loads the package for its resource classes and components and never calls Graph
// itself (the provider plugin does): the Graph client library, @azure/identity and node-forge load at
// their first use (graph/client.ts, graph/credential.ts, policyKeys/rules.ts), not with the package.
// In a fresh Node process (jest has its own module loader), on the built package (dist/).
import { execFileSync } from "child_process";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");
const HEAVY = ["@azure/identity", "@microsoft/microsoft-graph-client", "node-forge"];

function loadedAfter(script: string): Record<string, boolean> {
  const out = execFileSync(
    process.execPath,
    ["-e", `${script}; const loaded = (n) => Object.keys(require.cache).some((f) => f.includes("/node_modules/" + n + "/")); console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(HEAVY)}.map((n) => [n, loaded(n)]))));`],
    { cwd: root, encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").pop()!);
}

test("loading the package, as a program does, loads none of the Graph libraries", () => {
  expect(loadedAfter(`require("./dist/api/index.js")`)).toEqual({ "@azure/identity": false, "@microsoft/microsoft-graph-client": false, "node-forge": false });
});

test("a Graph client's first use loads them (the control), and a PKCS#12 check loads node-forge", () => {
  const script = `
    const { GraphApi } = require("./dist/graph/client.js");
    const { resolveGraphSettings } = require("./dist/graph/settings.js");
    new GraphApi(resolveGraphSettings(undefined, { B2C_TENANT_ID: "contoso.onmicrosoft.com", AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000001", AZURE_CLIENT_SECRET: "s" }));
    require("./dist/policyKeys/rules.js").pkcs12Problem(Buffer.from("not der"), "pw");`;
  expect(loadedAfter(script)).toEqual({ "@azure/identity": true, "@microsoft/microsoft-graph-client": true, "node-forge": true });
});
