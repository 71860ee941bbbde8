// Globals of the development hosts only (xsdm and Node): never available to modules/.
interface SimConsole {
	log(...data: unknown[]): void;
	error(...data: unknown[]): void;
}
declare var console: SimConsole;
