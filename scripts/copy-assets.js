#!/usr/bin/env node
// Copies what tsc does not: the policy schema (XSD + its LICENSE) into dist/.
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
for (const dir of ["policies/schema"]) {
  fs.cpSync(path.join(root, dir), path.join(root, "dist", dir), { recursive: true });
}
