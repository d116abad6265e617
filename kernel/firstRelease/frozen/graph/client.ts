// 0.1.0's state loads `pulumi-b2c-identity/dist/graph/client.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { GraphApi } from "../../../../graph/client";
