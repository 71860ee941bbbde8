// xsdm tests/fuzz/xs-fuzz.js N SEED: the JSON reader fuzz on XS; prints the stats as JSON.
import { argv } from "embedded:sim/host";
import { fuzzJson } from "./json.js";

const [n, seed] = argv().map(Number);
console.log(JSON.stringify(fuzzJson(n!, seed!)));
