// npm start: the whole device against the development DM server and the simulated UICC.
// Those parts (the DM session, bootstrap, the peers) are not built yet; until they are, say so
// plainly and fail, rather than pretend a demonstration ran.
console.error(
	"npm start: the end-to-end demonstration is not available yet.\n" +
	"It needs the DM session, the bootstrap and the development peers (hosts/sim/peers), which are still being built.\n" +
	"Meanwhile: `npm test` runs every suite, and `build/sim/xsdm <module.js>` runs a module on XS.",
);
process.exitCode = 1;
