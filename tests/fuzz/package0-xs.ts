// xsdm tests/fuzz/package0-xs.js N SEED: the Package#0 fuzz on XS; prints the stats as JSON.
import { argv } from "embedded:sim/host";
import { fuzzPackage0 } from "./package0.js";

const [n, seed] = argv().map(Number);
console.log(JSON.stringify(fuzzPackage0(n!, seed!)));
