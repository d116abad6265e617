// The stack program: one Azure AD B2C tenant per stack. Tenant and credentials come from `b2c:*`
// stack config (or the environment), the sign-in from `b2c:socialSignIn`, APP KEYs from secret keys
// such as `b2c:wechatAppKey`. A consumer's whole program can be
// `export = require("pulumi-b2c-identity").stackProgram;`.
import { B2CSocialSignIn } from "../components/B2CSocialSignIn";
import { pulumiConfigReader, readStackConfig } from "./stackConfig";

export function stackProgram() {
  const { settings, args } = readStackConfig(pulumiConfigReader());
  const signIn = new B2CSocialSignIn("social-sign-in", args);
  return {
    tenant: settings.tenantId,
    identityProviders: signIn.identityProviders,
    userFlows: signIn.userFlows,
    keySetIds: signIn.keySetIds,
  };
}
