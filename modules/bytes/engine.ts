// XS's own conversions between strings and bytes, when the engine has them (the device's and the
// sim host's do; Node does not). Walking a string or a byte array by index is linear on Node but
// not on XS: strings are UTF-8 inside, so charCodeAt(i) and length count from the start each time,
// and every index read of a typed array is a call into the engine. These convert in C in one pass.
// They are called as methods: XS 17 (the SDK's) makes fromString's result with `this` as the
// constructor, so a detached call throws there.
export const xsBuffers = ArrayBuffer as unknown as { fromString?: (text: string) => ArrayBuffer };
export const xsStrings = String as unknown as { fromArrayBuffer?: (buffer: ArrayBufferLike, offset: number, length: number) => string };
