// FUMO 1.0's numbers (OMA-TS-DM-FUMO-V1_0, as docs/design/fumo.md maps them onto DM 2.0): the State
// node's values, the result codes of the final Generic Alert, and its AlertTypes.

/** The State node (one value per FUMO state). */
export const FumoState = Object.freeze({
	Idle: 10,
	DownloadFailed: 20,
	DownloadProgressing: 30,
	DownloadComplete: 40,
	ReadyToUpdate: 50,
	UpdateProgressing: 60,
	UpdateFailedHaveData: 70,
	UpdateFailedNoData: 80,
	UpdateSuccessfulHaveData: 90,
	UpdateSuccessfulNoData: 100,
});
export type FumoStateValue = typeof FumoState[keyof typeof FumoState];

/** The result code the final alert carries. */
export const FumoResult = Object.freeze({
	Successful: 200,
	ClientError: 400,
	UserCancelled: 401,
	CorruptedPackage: 402,
	PackageMismatch: 403,
	SignatureFailed: 404,
	NotAcceptable: 405,
	AuthenticationFailure: 406,
	RequestTimeout: 407,
	NotImplemented: 408,
	UndefinedError: 409,
	UpdateFailed: 410,
	BadUrl: 411,
	ServerUnavailable: 412,
	ServerError: 500,
	OutOfMemoryDownload: 501,
	OutOfMemoryUpdate: 502,
	NetworkFailure: 503,
});
export type FumoResultCode = typeof FumoResult[keyof typeof FumoResult];

/** The three EXECutable nodes, by the name of their node. */
export type FumoOperation = "Download" | "Update" | "DownloadAndUpdate";
export const FUMO_OPERATIONS: readonly FumoOperation[] = Object.freeze(["Download", "Update", "DownloadAndUpdate"]);

/** The AlertType of each operation's final result. */
export const FUMO_ALERT_TYPES: Readonly<Record<FumoOperation, string>> = Object.freeze({
	Download: "org.openmobilealliance.dm.firmwareupdate.download",
	Update: "org.openmobilealliance.dm.firmwareupdate.update",
	DownloadAndUpdate: "org.openmobilealliance.dm.firmwareupdate.downloadandupdate",
});

/** The MOID, and the MIID the device gives its one instance. */
export const FUMO_MOID = "urn:oma:mo:oma-fumo:1.0";
export const FUMO_MIID = "FUMO";
