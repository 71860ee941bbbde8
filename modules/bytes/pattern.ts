// A module-level regular expression, compiled into the program's heap the first time it runs.
//
// Why not the literal itself: the Moddable SDK preloads our modules, so a literal held at module
// level is in ROM on the device, and XS matches a ROM expression with a temporary state block. In
// the XS of the SDK (xsre.c's fxAllocateRegExpData since February 2024, still so in XS 17) that
// block comes from c_malloc although the collector treats it as one of its chunks. So every exec()
// leaks it, and a collection while exec() builds its result (after a match) marks malloc's header
// and "relocates" the pointer to garbage: the SDK's Linux build segfaulted in
// RegExp.prototype.exec at the second Package#2 of tests/e2e/moddable-lin's HGET and CONT
// scenarios. A RegExp made at run time owns its state in the XS heap and never takes that path.
// xsdm's engine (@agoric/xsnap's XS) allocates the block correctly, so only the SDK's builds show
// it; tools/check/regex-literals holds every module-level literal to pattern().
//
// The cost: the expression's code and state in the heap (about 100 to 300 bytes each, for those a
// run uses), compiled once, against a leak on every match.

/** What modules do with a regular expression: test and exec (exec's lastIndex is not used: a
    pattern's expression is never global or sticky, which tools/check/regex-literals holds). */
export interface Pattern {
	test(text: string): boolean;
	exec(text: string): RegExpExecArray | null;
}

/** Wraps a module-level literal (`const TOKEN = pattern(/^[a-z]+$/)`): the literal stays as its
    source, and its first use compiles a copy at run time. */
export function pattern(literal: RegExp): Pattern {
	let compiled: RegExp | undefined;
	const expression = (): RegExp => compiled ??= new RegExp(literal.source, literal.flags);
	return {
		test: (text) => expression().test(text),
		exec: (text) => expression().exec(text),
	};
}
