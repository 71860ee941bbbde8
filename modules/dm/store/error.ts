/** The journal on flash is of a later format than this firmware reads. */
export class StoreFormatError extends Error {
	// a field, not `this.name = ...`: preloaded on the device, Error.prototype is frozen and an assignment would throw
	override name = "StoreFormatError";
	constructor(message: string) {
		super(message);
	}
}
