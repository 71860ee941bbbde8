// Where the Moddable SDK is, if a developer has one: the SDK's own convention is the MODDABLE
// environment variable (its docs ask for it) and its tools on PATH. Nothing here fetches it.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../..");
/** mcconfig's output folder for this project (the SDK writes bin/ and tmp/ under it). */
export const outputDir = join(root, "build/moddable");

export interface Sdk {
	moddable: string;
	/** $MODDABLE/build/bin/lin/release: mcconfig, xsc, xsl, mcsim */
	tools: string;
}

/** The SDK, or why it cannot be used: the reason names what to install or set. */
export function findSdk(env: NodeJS.ProcessEnv = process.env): Sdk | string {
	const moddable = env.MODDABLE;
	if (!moddable) {
		return "MODDABLE is not set. To build for the SDK: build the Moddable SDK's Linux tools (apt-get install libgtk-3-dev; "
			+ "cd $MODDABLE/build/makefiles/lin && make, see the SDK's documentation/Moddable SDK - Getting Started.md), "
			+ "then export MODDABLE=/path/to/moddable and PATH=$MODDABLE/build/bin/lin/release:$PATH";
	}
	const tools = join(moddable, "build/bin/lin/release");
	for (const tool of ["mcconfig", "xsc", "xsl"]) {
		if (!existsSync(join(tools, tool))) return `MODDABLE=${moddable} has no ${tool} in build/bin/lin/release: run make in $MODDABLE/build/makefiles/lin (needs libgtk-3-dev)`;
	}
	return { moddable, tools };
}

/** The environment mcconfig runs in: the SDK's tools, and this project's tsc (6.x) first on PATH, since the SDK runs the first tsc it finds. */
export function sdkEnv(sdk: Sdk): NodeJS.ProcessEnv {
	return { ...process.env, MODDABLE: sdk.moddable, PATH: [join(root, "node_modules/.bin"), sdk.tools, process.env.PATH ?? ""].join(":") };
}

/** The mc.so a lin build wrote (bin/lin/mc/<release|debug>/<project>/mc.so), the newest. */
export function linBinary(debug: boolean): string | undefined {
	const dir = join(outputDir, "bin/lin/mc", debug ? "debug" : "release");
	if (!existsSync(dir)) return undefined;
	const found = readdirSync(dir).map((name) => join(dir, name, "mc.so")).filter((p) => existsSync(p));
	found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
	return found[0];
}
