#!/usr/bin/env node
// `npm run emulator`: starts the emulator, prints ONE JSON line
// {"url","tokenUrl","caFile","tenantId","tenantName","clientId","clientSecret","controlToken"} (and a curl
// hint on stderr; the control API /_emulator/* needs "Authorization: Bearer <controlToken>")
// and serves until SIGINT/SIGTERM.
import { startEmulator } from "./index";
import type { EmulatorOptions, RunningEmulator } from "./types";

export const CLI_USAGE = `Usage: node dist/emulator/cli.js [options]
  --port <n>                    listen port (default 0 = random)
  --host <address>              listen address (default 127.0.0.1; others need --allow-remote)
  --allow-remote                allow a non-loopback --host (warns: tokens and the control API become reachable)
  --state-file <path>           load/save the tenant state (survives restarts)
  --tenant-name <name>          tenant name (default contosob2c -> contosob2c.onmicrosoft.com)
  --tenant-id <guid>            tenant id (default a fixed GUID)
  --workforce                   emulate a workforce (non-B2C) tenant
  --rate-limit [tenant[,app]]   enable the CPIM rate limit (default 300 per tenant, 200 per app per minute)
  --latency-ms <n>              add latency to every Graph request
  --consistency-window-ms <n>   freshly created objects answer 404 on GET for this long
  --help                        show this help`;

export class CliUsageError extends Error {}

function number(name: string, value: string | undefined): number {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) throw new CliUsageError(`${name} needs a non-negative number`);
  return Number(value);
}

/** Parses CLI arguments ("--name value" or "--name=value") into emulator options. */
export function parseCliArguments(argv: string[]): EmulatorOptions & { help?: boolean } {
  const options: EmulatorOptions & { help?: boolean } = {};
  const faults: NonNullable<EmulatorOptions["faults"]> = {};
  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift()!;
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      const v = inline ?? args.shift();
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new CliUsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case "--port": {
        const port = number(name, value());
        if (!Number.isInteger(port) || port > 65535) throw new CliUsageError("--port must be an integer between 0 and 65535");
        options.port = port;
        break;
      }
      case "--host":
        options.host = value();
        break;
      case "--allow-remote":
        options.allowRemote = true;
        break;
      case "--state-file":
        options.stateFile = value();
        break;
      case "--tenant-name":
        options.tenantName = value();
        break;
      case "--tenant-id":
        options.tenantId = value();
        break;
      case "--workforce":
        options.tenantMode = "workforce";
        break;
      case "--rate-limit": {
        const limits = inline ?? (args[0] !== undefined && /^\d+(,\d+)?$/.test(args[0]) ? args.shift() : undefined);
        const [tenant, app] = (limits ?? "").split(",").filter((s) => s !== "").map((s) => number(name, s));
        faults.rateLimit = { enabled: true, perTenantPerMinute: tenant ?? 300, perAppPerTenantPerMinute: app ?? 200 };
        break;
      }
      case "--latency-ms":
        faults.latencyMs = number(name, value());
        break;
      case "--consistency-window-ms":
        faults.consistencyWindowMs = number(name, value());
        break;
      case "--help":
      case "-h":
        options.help = true;
        break;
      default:
        throw new CliUsageError(`unknown option ${arg}`);
    }
  }
  if (Object.keys(faults).length > 0) options.faults = faults;
  return options;
}

/** The client-credentials token endpoint (`POST`, form-encoded), as @azure/identity calls it. */
export function tokenUrl(emulator: RunningEmulator): string {
  return `${emulator.url}/${emulator.tenantDomain}/oauth2/v2.0/token`;
}

/** The single line the CLI prints. */
export function startupLine(emulator: RunningEmulator): string {
  return JSON.stringify({
    url: emulator.url,
    tokenUrl: tokenUrl(emulator),
    caFile: emulator.caFile,
    tenantId: emulator.tenantId,
    tenantName: emulator.tenantName,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    controlToken: emulator.controlToken,
  });
}

/** A human hint on stderr (stdout stays one JSON line): how to get a token and call Graph with curl. */
export function startupHint(emulator: RunningEmulator): string {
  return (
    `b2c emulator: Graph at ${emulator.url}/v1.0 and /beta; token: curl --cacert ${emulator.caFile} ${tokenUrl(emulator)} ` +
    `-d grant_type=client_credentials -d client_id=${emulator.clientId} -d client_secret=<clientSecret> ` +
    `-d scope=https://graph.microsoft.com/.default (README: "Try it with curl")`
  );
}

/** Runs the CLI: returns once the emulator serves; it stops (and the process exits) on SIGINT/SIGTERM. */
export async function runCli(argv: string[]): Promise<RunningEmulator | undefined> {
  let options: ReturnType<typeof parseCliArguments>;
  try {
    options = parseCliArguments(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${CLI_USAGE}\n`);
    process.exitCode = 2;
    return undefined;
  }
  if (options.help) {
    process.stderr.write(`${CLI_USAGE}\n`);
    return undefined;
  }
  const { help: _help, ...emulatorOptions } = options;
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator(emulatorOptions);
  } catch (err) {
    process.stderr.write(`b2c emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    return undefined;
  }
  process.stdout.write(`${startupLine(emulator)}\n`);
  process.stderr.write(`${startupHint(emulator)}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`b2c emulator: ${signal}, stopping\n`);
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return emulator;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`b2c emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
