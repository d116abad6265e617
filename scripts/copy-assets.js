#!/usr/bin/env node
// Copies what tsc does not: the policy schema (XSD + its LICENSE). Target folder: dist/ by
// default, or the one given (`node scripts/copy-assets.js .bench-build`).
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
const target = path.resolve(root, process.argv[2] ?? "dist");
for (const dir of ["policies/schema"]) {
  fs.cpSync(path.join(root, dir), path.join(target, dir), { recursive: true });
}
