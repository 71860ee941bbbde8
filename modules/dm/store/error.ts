/** The journal on flash is of a later format than this firmware reads. */
export class StoreFormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "StoreFormatError";
	}
}
