// xsdm tests/fuzz/packages-xs.js DECODER N SEED: the package fuzz on XS; prints the stats as JSON.
import { argv } from "embedded:sim/host";
import { fuzzPackages, type Decoder } from "./packages.js";

const [decoder, n, seed] = argv();
console.log(JSON.stringify(fuzzPackages(decoder as Decoder, Number(n), Number(seed))));
