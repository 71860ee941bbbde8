// xsdm tests/fuzz/xs-fuzz.js N SEED [pcsc]: the JSON reader fuzz on XS (or, with "pcsc", the
// ATR, PKCS#15/DER and T=1 block fuzz of modules/pcsc-uart); prints the stats as JSON.
import { argv } from "embedded:sim/host";
import { fuzzJson } from "./json.js";
import { fuzzAtr, fuzzPkcs15, fuzzT1 } from "./pcsc.js";

const [n, seed] = argv().map(Number);
if (argv()[2] === "pcsc") console.log(JSON.stringify({ atr: fuzzAtr(n!, seed!), pkcs15: fuzzPkcs15(n!, seed! + 1), t1: fuzzT1(n!, seed! + 2) }));
else console.log(JSON.stringify(fuzzJson(n!, seed!)));
