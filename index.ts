// This repository's own Pulumi program (Pulumi.yaml; stacks in stacks/): the packaged stack program.
import { stackProgram } from "./program/stackProgram";

export = stackProgram;
