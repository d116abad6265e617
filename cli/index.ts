#!/usr/bin/env node
// `npx b2c-identity import`: describe a hand-built B2C tenant as a stack (README "Adopting an
// existing tenant"), or as a `pulumi import --file` document (README "Importing with pulumi import"). Settings come from flags named like the stack config keys, else from the
// environment variables the providers read; the client secret only from AZURE_CLIENT_SECRET.
import { redactSecrets } from "../graph/redact";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { stringify } from "yaml";
import { ConfigSource, resolveGraphSettings, SETTING_KEYS, SettingName } from "../graph/settings";
import { importSummary, importTenant, writePolicyFiles } from "./importTenant";
import { pulumiImportFile, pulumiImportFileSummary } from "./pulumiImportFile";
import { installPlugin } from "./pluginInstall";

const USAGE = `Usage: b2c-identity plugin install
         Installs the b2c-identity provider plugin of this package into Pulumi's plugin cache
         ($PULUMI_HOME/plugins, default ~/.pulumi/plugins), offline. Run it once after each npm install.

       b2c-identity import --output stacks/Pulumi.<stack>.yaml [--policies-dir policies]
         [--pulumi-import-file import.json]
         [--tenant-id <guid|name.onmicrosoft.com>] [--tenant-name <name>] [--client-id <app id>]
         [--client-certificate-path <pem>] [--cloud AzurePublic|AzureChina|AzureUSGovernment]
         [--graph-endpoint <url>] [--authority-host <url>] [--expiring-within-days 90] [--force]

Reads the tenant (read-only) and writes the stack config, the custom policy files and a summary.
With --pulumi-import-file it writes a \`pulumi import --file\` document (as well, or, without
--output, instead): every object as a b2c-identity:index:* resource by its Graph id.
Flags not given fall back to B2C_TENANT_ID, B2C_TENANT_NAME, AZURE_CLIENT_ID, ... (README "Configuration").
The client secret is read from AZURE_CLIENT_SECRET only, never from a flag.`;

/** Flag name for each setting (kebab-case of the config key), except the secret. */
const FLAG_OF: Partial<Record<SettingName, string>> = {
  tenantId: "tenant-id",
  tenantName: "tenant-name",
  clientId: "client-id",
  clientCertificatePath: "client-certificate-path",
  cloud: "cloud",
  graphEndpoint: "graph-endpoint",
  authorityHost: "authority-host",
};

export class UsageError extends Error {}

/** Runs the command; returns the exit code. Output goes to `out` (stdout) and `err` (stderr). */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h") {
      out(USAGE + "\n");
      return command === undefined ? 2 : 0;
    }
    if (command === "plugin") {
      if (rest.length !== 1 || rest[0] !== "install") throw new UsageError(`plugin takes one subcommand, install; got '${rest.join(" ")}'`);
      const installed = installPlugin();
      out(`installed the b2c-identity provider plugin v${installed.version} in ${installed.folder}\n`);
      return 0;
    }
    if (command !== "import") throw new UsageError(`unknown command '${command}'`);
    if (rest.some((a) => a === "--client-secret" || a.startsWith("--client-secret="))) {
      // Never echo what followed it: it may be the secret.
      throw new UsageError("--client-secret is not accepted (a flag ends up in shell history and process lists): set the environment variable AZURE_CLIENT_SECRET");
    }
    const options: Record<string, { type: "string" | "boolean" }> = {
      output: { type: "string" },
      "pulumi-import-file": { type: "string" },
      "policies-dir": { type: "string" },
      "expiring-within-days": { type: "string" },
      force: { type: "boolean" },
      stack: { type: "string" },
    };
    for (const flag of Object.values(FLAG_OF)) options[flag!] = { type: "string" };
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/\. To specify.*$/s, ""));
    }
    const output = values.output as string | undefined;
    const importFile = values["pulumi-import-file"] as string | undefined;
    if (!output && !importFile) {
      throw new UsageError("--output is required, e.g. --output stacks/Pulumi.prod.yaml (or --pulumi-import-file import.json for a `pulumi import --file` document)");
    }
    const stack = output ? ((values.stack as string | undefined) ?? /^Pulumi\.(.+)\.ya?ml$/i.exec(path.basename(output))?.[1]) : undefined;
    if (output && !stack) throw new UsageError(`--output must be named Pulumi.<stack>.yaml (or give --stack), got ${output}`);
    if (importFile && !values.force && fs.existsSync(importFile)) throw new UsageError(`${importFile} exists: give --force to overwrite it`);
    const policiesDir = ((values["policies-dir"] as string | undefined) ?? "policies").replace(/[\\/]+$/, "");
    const days = Number(values["expiring-within-days"] ?? 90);
    if (!Number.isInteger(days) || days < 1) throw new UsageError(`--expiring-within-days must be a whole number of days, got ${values["expiring-within-days"]}`);
    if (output && !values.force && fs.existsSync(output)) throw new UsageError(`${output} exists: give --force to overwrite it`);

    // Flags first (named like the stack config keys), then the environment, as the providers do.
    const flagSource: ConfigSource = {
      get: (key) => {
        const name = (Object.keys(SETTING_KEYS) as SettingName[]).find((n) => SETTING_KEYS[n].config === key);
        const flag = name ? FLAG_OF[name] : undefined;
        return flag ? (values[flag] as string | undefined) : undefined;
      },
    };
    let settings;
    try {
      settings = resolveGraphSettings(flagSource);
    } catch (e) {
      const hint = Object.entries(FLAG_OF).map(([n, f]) => `'b2c:${n}' is --${f}`).join(", ");
      throw new UsageError(`${(e as Error).message} (for this command: ${hint})`);
    }

    if (importFile) {
      const described = await pulumiImportFile(settings);
      fs.mkdirSync(path.dirname(path.resolve(importFile)), { recursive: true });
      fs.writeFileSync(importFile, JSON.stringify(described.document, null, 2) + "\n");
      out(pulumiImportFileSummary(described, importFile));
      if (!output) return 0;
      out("\n");
    }
    const result = await importTenant(settings, { policiesDir, expiringWithinDays: days });
    fs.mkdirSync(path.dirname(path.resolve(output!)), { recursive: true });
    const header =
      `# Written by \`b2c-identity import\` from tenant ${settings.tenantId} on ${new Date().toISOString()}.\n` +
      `# Every object is adopted: the first \`pulumi up\` sets only the identity provider secrets (see the summary).\n`;
    fs.writeFileSync(output!, header + stringify({ config: result.config }, { lineWidth: 0 }));
    const { kept } = writePolicyFiles(policiesDir, result.policyFiles, values.force === true);
    out(importSummary(result, { output: output!, policiesDir, stack: stack!, expiringWithinDays: days, keptPolicyFiles: kept }));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`b2c-identity: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    // The Graph layer redacts its errors already; this also covers any other error text that
    // quotes the app's client secret (from the environment, never a flag).
    err(`b2c-identity import failed: ${redactSecrets((e as Error).message, [process.env.AZURE_CLIENT_SECRET])}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
