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
// The cost: the expression's code and state in the heap (350 to 1,400 bytes each on xsdm32, for the
// ones a run uses), compiled once, against a leak and a risk of a crash on every match.

import { matchesCharClass, parseCharClass, type CharClass } from "./char-class.js";

/** A module-level literal (`const TOKEN = pattern(/^[a-z]+$/)`) matched by a copy the first test()
    or exec() compiles at run time: one small object per literal on the device, its methods shared.
    test() and exec() only: the literal is never global or sticky (tools/check/regex-literals). */
export class Pattern {
	// Plain properties, all set here, none #private: the preload keeps the object aliasable, and
	// the first write of `compiled` copies it into RAM, where xsdm's copy had lost its private
	// fields ("get #table: undefined private property") and refused to set one. Not a module-level
	// array either: on xsdm one held in an aliased closure was collected while in use (a segfault
	// in fxSweepValue under tests/unit/session).
	private readonly literal: RegExp;
	/** a class over the whole text, matched by a table (char-class.ts): no RegExp for test() */
	private readonly table: CharClass | undefined;
	/** the copy, made at the first use */
	private compiled: RegExp | undefined;

	constructor(literal: RegExp) {
		this.literal = literal;
		this.table = parseCharClass(literal.source, literal.flags);
		this.compiled = undefined;
	}

	test(text: string): boolean { return this.table ? matchesCharClass(this.table, text) : this.expression().test(text); }
	exec(text: string): RegExpExecArray | null { return this.expression().exec(text); }

	private expression(): RegExp { return this.compiled ??= new RegExp(this.literal.source, this.literal.flags); }
}

/** `pattern(/.../)`: what tools/check/regex-literals looks for at module level. */
export const pattern = (literal: RegExp): Pattern => new Pattern(literal);
