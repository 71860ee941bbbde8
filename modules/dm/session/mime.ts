// The media types of DM packages (7.2.1) and the HTTP headers every package carries (5.2.2, 5.2.4).
export const PackageMime = Object.freeze({
	initiation: "application/vnd.oma.dm.initiation+json",
	request: "application/vnd.oma.dm.request+json",
	response: "application/vnd.oma.dm.response+json",
} as const);
