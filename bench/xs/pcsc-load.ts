// The modules tests/xs/host/pcsc-bootstrap.ts loads, and nothing else: run with --heap-report for
// the heap its code takes on xsdm (on the device, preloaded modules sit in flash instead).
import Serial from "embedded:io/serial";
import { CardLink, readBootstrap } from "../../modules/pcsc-uart/index.js";
import { Scp03Session } from "../../modules/pcsc-uart/scp03.js";

if (typeof Serial !== "function" || typeof CardLink !== "function" || typeof readBootstrap !== "function" || typeof Scp03Session !== "function") throw new Error("modules missing");
