// xsdm tests/fuzz/xs-uri-fuzz.js N SEED: the ClientURI fuzz on XS; prints the stats as JSON.
import { argv } from "embedded:sim/host";
import { fuzzClientUri } from "./client-uri.js";

const [n, seed] = argv().map(Number);
console.log(JSON.stringify(fuzzClientUri(n!, seed!)));
