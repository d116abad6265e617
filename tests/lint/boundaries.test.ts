// The package's import boundaries are enforced by ESLint (eslint.config.js, `npm run lint`). Each
// case lints a small file breaking one boundary, placed (not written) where the boundary applies,
// and expects the rule to fire, so a rule that silently stops matching fails here. The controls
// show the same code is allowed where the boundary does not apply.
import * as path from "path";
import { ESLint } from "eslint";

const root = path.join(__dirname, "..", "..");
// Passed as an object: ESLint would load eslint.config.js with import(), which jest's module
// system does not run.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const config = require(path.join(root, "eslint.config.js"));
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });

async function lint(file: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const cases: [claim: string, file: string, code: string, rule: string, says: RegExp][] = [
  ["pure domain/ does no file I/O", "domain/lintFixture.ts", `import * as fs from "fs";\nexport const x = fs;`, "no-restricted-imports", /pure code .* does no I\/O/],
  ["pure policies/ imports no Pulumi", "policies/lintFixture.ts", `import * as pulumi from "@pulumi/pulumi";\nexport const x = pulumi;`, "no-restricted-imports", /Pulumi types stay in kernel/],
  ["a rules.ts starts no process", "userFlows/rules.ts", `import { execFileSync } from "node:child_process";\nexport const x = execFileSync;`, "no-restricted-imports", /does no I\/O/],
  ["a rules.ts does not use the Graph client", "identityProviders/rules.ts", `import { GraphApi } from "../graph/client";\nexport const x = GraphApi;`, "import-x/no-restricted-paths", /does no I\/O/],
  ["pure domain/ does not reach the kernel", "domain/lintFixture.ts", `import { defineResource } from "../kernel/resource";\nexport const x = defineResource;`, "import-x/no-restricted-paths", /does no I\/O/],
  ["an object folder imports no sibling", "userFlows/component.ts", `import { validateSocialIdentityProvider } from "../identityProviders/rules";\nexport const x = validateSocialIdentityProvider;`, "import-x/no-restricted-paths", /userFlows\/ is one B2C object/],
  ["a nested object folder imports no sibling", "policyKeys/adopted/component.ts", `import { UserFlowResource } from "../../userFlows/provider";\nexport const x = UserFlowResource;`, "import-x/no-restricted-paths", /policyKeys\/ is one B2C object/],
  ["an object folder does not import the composer", "attachments/component.ts", `import { B2CSocialSignIn } from "../signIn/component";\nexport const x = B2CSocialSignIn;`, "import-x/no-restricted-paths", /attachments\/ is one B2C object/],
  ["domain/ imports no object folder", "domain/lintFixture.ts", `import { normalizeKeySetId } from "../policyKeys/rules";\nexport const x = normalizeKeySetId;`, "import-x/no-restricted-paths", /sit below the object folders/],
  ["the kernel imports no object folder", "kernel/lintFixture.ts", `import { validateUserFlow } from "../userFlows/rules";\nexport const x = validateUserFlow;`, "import-x/no-restricted-paths", /kernel\/ sits below/],
  ["the kernel's subfolders import no object folder", "kernel/ownership/lintFixture.ts", `import { validateUserFlow } from "../../userFlows/rules";\nexport const x = validateUserFlow;`, "import-x/no-restricted-paths", /kernel\/ sits below/],
  ["graph/ imports no object folder or kernel", "graph/lintFixture.ts", `import { graphOf } from "../kernel/providerContext";\nexport const x = graphOf;`, "import-x/no-restricted-paths", /graph\/ sits below/],
  ["only the kernel extends pulumi.dynamic", "identityProviders/lintFixture.ts", `import * as pulumi from "@pulumi/pulumi";\nexport class R extends pulumi.dynamic.Resource {}`, "no-restricted-syntax", /only kernel\/ knows/],
  ["only the kernel names dynamic provider types", "userFlows/lintFixture.ts", `import type * as pulumi from "@pulumi/pulumi";\nexport type P = pulumi.dynamic.ResourceProvider;`, "no-restricted-syntax", /only kernel\/ knows/],
  ["the provider plugin names no dynamic provider type either", "host/plugin/lintFixture.ts", `import type * as pulumi from "@pulumi/pulumi";\nexport type P = pulumi.dynamic.ResourceProvider;`, "no-restricted-syntax", /only kernel\/ knows/],
  ["only the kernel imports dynamic", "program/lintFixture.ts", `import { dynamic } from "@pulumi/pulumi";\nexport const x = dynamic;`, "no-restricted-syntax", /only kernel\/ knows/],
  ["only graph/ talks HTTP (modules)", "program/lintFixture.ts", `import * as https from "https";\nexport const x = https;`, "@typescript-eslint/no-restricted-imports", /only graph\/ talks HTTP/],
  ["only graph/ talks HTTP (the Graph SDK)", "customPolicies/lintFixture.ts", `import { Client } from "@microsoft/microsoft-graph-client";\nexport const x = Client;`, "@typescript-eslint/no-restricted-imports", /only graph\/ talks HTTP/],
  ["only graph/ talks HTTP (fetch)", "kernel/lintFixture.ts", `export const x = () => fetch("https://graph.microsoft.com");`, "no-restricted-globals", /only graph\/ talks HTTP/],
  ["emulator error answers come from its catalogue", "emulator/routes/lintFixture.ts", `import { GraphError } from "../graphErrors";\nexport const x = () => new GraphError(404, "x", "y");`, "no-restricted-syntax", /errorCatalogue/],
  ["emulator routes do not import the store's records", "emulator/routes/lintFixture.ts", `import { sha256Hex } from "../storeRecords";\nexport const x = sha256Hex;`, "import-x/no-restricted-paths", /store's operations/],
  ["emulator routes do not touch the store's collections", "emulator/routes/lintFixture.ts", `export const x = (runtime: any) => runtime.store.idps;`, "no-restricted-syntax", /store's operations/],
];

test.each(cases)("%s", async (_claim, file, code, rule, says) => {
  const messages = await lint(file, code);
  expect(messages).toEqual([expect.objectContaining({ rule, message: expect.stringMatching(says) })]);
});

const allowed: [where: string, file: string, code: string][] = [
  ["graph/ talks HTTP", "graph/lintFixture.ts", `import * as https from "https";\nimport { Client } from "@microsoft/microsoft-graph-client";\nexport const x = [https, Client];`],
  ["the kernel knows pulumi.dynamic", "kernel/lintFixture.ts", `import type * as pulumi from "@pulumi/pulumi";\nexport type P = pulumi.dynamic.ResourceProvider;`],
  ["signIn/ combines object folders", "signIn/lintFixture.ts", `import { B2CUserFlow } from "../userFlows/component";\nimport { PolicyKey } from "../policyKeys/component";\nexport const x = [B2CUserFlow, PolicyKey];`],
  ["an object folder uses the kernel, domain/, graph/ and policies/", "customPolicies/lintFixture.ts", `import * as fs from "fs";\nimport { graphOf } from "../kernel/providerContext";\nimport { pathSegmentProblem } from "../domain/ids";\nimport { GraphApi } from "../graph/client";\nimport { normalizePolicyXml } from "../policies/normalize";\nexport const x = [fs, graphOf, pathSegmentProblem, GraphApi, normalizePolicyXml];`],
  ["the emulator's catalogue builds error answers", "emulator/errorCatalogue.ts", `import { GraphError } from "./graphErrors";\nexport const x = () => new GraphError(404, "x", "y");`],
];

test.each(allowed)("allowed: %s", async (_where, file, code) => {
  expect(await lint(file, code)).toEqual([]);
});
