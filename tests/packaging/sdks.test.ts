// The SDKs other languages use, generated from schema.json by the Pulumi CLI (`npm run sdk:gen`,
// scripts/gen-sdk.js) into a temporary folder, and what can be proven of each here: the Go SDK
// builds into a consumer program (modules from the Go module proxy, sdk/v3 at the CLI's version),
// the Python SDK byte-compiles, the .NET SDK is generated (no .NET SDK on this machine to build it).
// Cold (an empty Go build cache: the language hosts scripts/gen-sdk.js builds, then the consumer) it
// took 10 min on 2 busy cores; warm (the hosts built, the Go build cache filled), 12-27 s.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateSdks } from "../../scripts/gen-sdk";

const root = path.join(__dirname, "..", "..");
const schema = JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8"));
const cliVersion = (require("../../package.json").devDependencies.pulumi as string).replace(/^[^0-9]*/, "");
const goImportBase: string = schema.language.go.importBasePath;

let work: string;
let out: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "b2c-identity-sdks-"));
  out = path.join(work, "sdk");
  generateSdks({ out });
}, 900_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("a Go program declaring WeChat sign-in builds against the generated Go SDK", () => {
  const consumer = path.join(work, "go-consumer");
  fs.mkdirSync(consumer);
  const sdkModule = path.dirname(goImportBase); // supportPack: the module is the folder above the package
  fs.writeFileSync(
    path.join(consumer, "go.mod"),
    [
      "module example.com/b2c-consumer",
      "",
      "go 1.25",
      "",
      `require (\n\t${sdkModule} v0.0.0\n\tgithub.com/pulumi/pulumi/sdk/v3 v${cliVersion}\n)`,
      "",
      `replace ${sdkModule} => ${path.join(out, "go")}`,
      "",
    ].join("\n"),
  );
  fs.writeFileSync(
    path.join(consumer, "main.go"),
    `package main

import (
	"${goImportBase}"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		wechat, err := b2cidentity.NewWeChatIdentityProvider(ctx, "wechat", &b2cidentity.WeChatIdentityProviderArgs{
			AppId:  pulumi.String("wx0123456789abcdef"),
			AppKey: cfg.RequireSecret("wechatAppKey"),
		})
		if err != nil {
			return err
		}
		signIn, err := b2cidentity.NewB2CSocialSignIn(ctx, "signin", &b2cidentity.B2CSocialSignInArgs{
			IdentityProviders: []b2cidentity.SocialSignInIdentityProviderInput{
				b2cidentity.SocialSignInIdentityProviderArgs{Type: "QQ", ClientId: pulumi.String("101234567"), ClientSecret: cfg.RequireSecret("qqAppKey")},
			},
			UserFlows: []b2cidentity.SocialSignInUserFlowInput{
				b2cidentity.SocialSignInUserFlowArgs{Name: "signupsignin", IdentityProviders: []pulumi.StringInput{pulumi.String("QQ")}},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("callbackDomain", wechat.CallbackDomain)
		ctx.Export("identityProviders", signIn.IdentityProviders)
		return nil
	})
}
`,
  );
  const binary = path.join(work, "go-consumer-bin");
  execFileSync("go", ["build", "-o", binary, "."], {
    cwd: consumer,
    env: { ...process.env, GOFLAGS: "-mod=mod" },
    stdio: "pipe",
  });
  expect(fs.statSync(binary).size).toBeGreaterThan(0);
}, 900_000);

test("the generated Python SDK byte-compiles", () => {
  const pkg = path.join(out, "python", schema.language.python.packageName);
  expect(fs.existsSync(path.join(pkg, "we_chat_identity_provider.py"))).toBe(true);
  execFileSync("python3", ["-m", "compileall", "-q", path.join(out, "python")], { stdio: "pipe" });
  expect(fs.existsSync(path.join(pkg, "__pycache__"))).toBe(true);
});

test("the .NET SDK holds a class for every resource and component", () => {
  const dotnet = path.join(out, "dotnet");
  const names = Object.keys(schema.resources).map((token) => token.split(":")[2]);
  expect(names.length).toBeGreaterThanOrEqual(18);
  expect(names.filter((name) => !fs.existsSync(path.join(dotnet, `${name}.cs`)))).toEqual([]);
  expect(fs.readFileSync(path.join(dotnet, "WeChatIdentityProvider.cs"), "utf8")).toContain('"b2c-identity:index:WeChatIdentityProvider"');
});
