// dm-device on xsdm: the command line (args.ts documents its flags and exit codes) wired to the
// device lifecycle of modules/dm/device (wiring.ts: the sim host's IO and facts), which does
// everything else. Test instrumentation (connection counts, traces, soaks that carry on after a
// failure) is test-driver.ts, which runs the same way.
import { argv } from "embedded:sim/host";
import { parse } from "./args.js";
import { fault, run } from "./run.js";

run(parse(argv())).catch(fault);
