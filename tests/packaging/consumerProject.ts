// Helpers for the packaging tests: README code blocks, the keysets they declare, tsc in a consumer.
import { spawnSync } from "child_process";
import * as path from "path";

/**
 * compilerOptions of Pulumi's TypeScript project template (`pulumi new typescript`), which is what a
 * newcomer's project has: CommonJS, `moduleResolution: node`, strict, no skipLibCheck.
 */
export const PULUMI_TEMPLATE_TSCONFIG = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

/** The ```ts blocks of a Markdown text, with the line of their opening fence. */
export function readmeTsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ line: start + 1, code: `${body.join("\n")}\n` });
  }
  return blocks;
}

/** Default keyset names (without B2C_1A_) of the policy key presets (policyKeys/presets.ts). */
const PRESET_KEYSETS: Record<string, string> = {
  WeChatSecretKey: "WeChatSecret",
  QQSecretKey: "QQSecret",
  TokenSigningKey: "TokenSigningKeyContainer",
  TokenEncryptionKey: "TokenEncryptionKeyContainer",
};

/** The text of the call's argument list starting at `open` (an opening parenthesis). */
function argumentText(code: string, open: number): string {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0) return code.slice(open + 1, i);
  }
  return code.slice(open + 1);
}

/** Keysets (names without B2C_1A_) a code block declares with `new PolicyKey(…)` or a preset. */
export function readmeKeySets(code: string): string[] {
  const found: string[] = [];
  for (const m of code.matchAll(/\bnew\s+(PolicyKey|WeChatSecretKey|QQSecretKey|TokenSigningKey|TokenEncryptionKey)\s*\(/g)) {
    const args = argumentText(code, m.index! + m[0].length - 1);
    const explicit = m[1] === "PolicyKey" ? /\bname:\s*"([^"]+)"/.exec(args) : /\bkeySetName:\s*"([^"]+)"/.exec(args);
    const name = explicit?.[1] ?? PRESET_KEYSETS[m[1]];
    if (name) found.push(name.replace(/^B2C_1A_/i, ""));
  }
  return found;
}

/**
 * Runs the consumer's own tsc (installed in `consumer`) on a project file; returns the error lines
 * (no colours, paths relative to the project's folder) and the exit status.
 */
export function runTsc(consumer: string, project: string): { status: number | null; errors: string[] } {
  const tsc = path.join(consumer, "node_modules", "typescript", "bin", "tsc");
  const cwd = path.dirname(path.resolve(consumer, project));
  const result = spawnSync(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", path.basename(project)], { cwd, encoding: "utf8" });
  if (result.error) throw result.error;
  const errors = `${result.stdout}${result.stderr}`.split("\n").filter((l) => /error TS\d+/.test(l));
  return { status: result.status, errors };
}
