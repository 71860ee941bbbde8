/*
 * The ISO 7816-3 line core (modules/pcsc-uart/native/iso7816-line.c) in C, the language of its
 * only user (the ESP32's UART driver): built by hosts/sim's Makefile, run by npm test.
 * Prints "ok - name" or "not ok - name: why" per check and ends with "N passed, N failed".
 * With --bench it prints one JSON line of the line's timing figures instead (npm run bench -- iso7816).
 */
#include "iso7816-line.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static int gPassed, gFailed;

static void check(int ok, const char* name, const char* format, long long got, long long want)
{
	if (ok) {
		gPassed++;
		printf("ok - %s\n", name);
	}
	else {
		gFailed++;
		printf("not ok - %s: ", name);
		printf(format, got, want);
		printf("\n");
	}
}

#define EQUAL(name, got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); check(g_ == w_, name, "got %lld, want %lld", g_, w_); } while (0)

#define MHZ4 4000000u       /* LEDC: 80 MHz APB / 20 */
#define MHZ3_57 3571200u    /* the classic 3.5712 MHz card clock */
#define APB 80000000u

static void rates(void)
{
	uint16_t fi = 0;
	uint8_t di = 0;
	EQUAL("TA1 11 is Fi/Di 372/1", iso7816FiDi(0x11, &fi, &di) && fi == 372 && di == 1, 1);
	EQUAL("TA1 96 is Fi/Di 512/32", iso7816FiDi(0x96, &fi, &di) && fi == 512 && di == 32, 1);
	EQUAL("TA1 18 is Fi/Di 372/12", iso7816FiDi(0x18, &fi, &di) && fi == 372 && di == 12, 1);
	EQUAL("TA1 with reserved Fi (7x) is refused", iso7816FiDi(0x71, &fi, &di), 0);
	EQUAL("TA1 with reserved Di (x0) is refused", iso7816FiDi(0x10, &fi, &di), 0);
	EQUAL("TA1 with reserved Di (xA) is refused", iso7816FiDi(0x1a, &fi, &di), 0);
	EQUAL("4 MHz at 372/1 is 10 753 baud", iso7816Baud(MHZ4, 372, 1), 10753);
	EQUAL("4 MHz at 512/32 (after PPS) is 250 000 baud", iso7816Baud(MHZ4, 512, 32), 250000);
	EQUAL("3.5712 MHz at 372/1 is 9 600 baud", iso7816Baud(MHZ3_57, 372, 1), 9600);
	EQUAL("3.5712 MHz at 512/32 is 223 200 baud", iso7816Baud(MHZ3_57, 512, 32), 223200);
	EQUAL("etu at 4 MHz, 372/1: 93 000 ns", iso7816EtuNs(MHZ4, 372, 1), 93000);
	EQUAL("etu at 4 MHz, 512/32: 4 000 ns", iso7816EtuNs(MHZ4, 512, 32), 4000);
	/* the card clock is APB / 20, so the ideal divider is 20 × F / D: 7440 at 372/1; the baud
	   rounded to 10 753 (from 10 752.69) gives 1 280 000 000 / 10 753 = 119 036.6 sixteenths */
	uint32_t d372 = iso7816UartDivider16(APB, iso7816Baud(MHZ4, 372, 1));
	EQUAL("UART divider at 10 753 baud from 80 MHz: 119 037 sixteenths", d372, 119037);
	EQUAL("UART divider at 250 000 baud: exactly 320", iso7816UartDivider16(APB, 250000), 320 * 16);
	EQUAL("no rate error at 250 000 baud", iso7816UartErrorPpm(APB, 250000, 320 * 16), 0);
	int32_t ppm = iso7816UartErrorPpm(APB, 10753, d372);
	EQUAL("rate error at 10 753 baud: -3 ppm (the integer baud's rounding)", ppm, -3);
	EQUAL("a UART 2 % fast reads as +20 000 ppm", iso7816UartErrorPpm(102, 100, 16), 20000);
}

static void waits(void)
{
	/* 960 × 10 × 372 / 4 MHz = 0.8928 s */
	EQUAL("WWT at WI 10, Fi 372, 4 MHz: 892 800 µs", iso7816WorkWaitingUs(10, 372, MHZ4), 892800);
	EQUAL("WWT at WI 10, Fi 512, 4 MHz: 1 228 800 µs", iso7816WorkWaitingUs(10, 512, MHZ4), 1228800);
	EQUAL("WI 0 (invalid) counts as the default 10", iso7816WorkWaitingUs(0, 372, MHZ4), 892800);
	EQUAL("WWT rounds up: WI 1, Fi 372, 3.5712 MHz = 100 000 µs", iso7816WorkWaitingUs(1, 372, MHZ3_57), 100000);
	EQUAL("WWT at WI 255, Fi 2048, 4 MHz (the largest) without overflow", iso7816WorkWaitingUs(255, 2048, MHZ4), 125337600);
	/* T=1 defaults CWI 13, BWI 4: CWT = 8203 etu, BWT = 11 etu + 16 × 960 × 372 cycles */
	EQUAL("CWT at CWI 13, 4 MHz 372/1: 8 203 etu = 762 879 µs", iso7816CharWaitingUs(13, MHZ4, 372, 1), 762879);
	EQUAL("CWT at CWI 0, 4 MHz 512/32: 12 etu = 48 µs", iso7816CharWaitingUs(0, MHZ4, 512, 32), 48);
	EQUAL("BWT at BWI 4, 4 MHz 372/1: 1 429 503 µs", iso7816BlockWaitingUs(4, MHZ4, 372, 1), 1429503);
	EQUAL("BWT at BWI 4, 4 MHz 512/32: 1 428 524 µs", iso7816BlockWaitingUs(4, MHZ4, 512, 32), 1428524);
}

static void guard(void)
{
	EQUAL("a character is 12 etu with no extra guard time", iso7816CharacterEtu(0, 0), 12);
	EQUAL("TC1 = 2 makes it 14 etu", iso7816CharacterEtu(2, 0), 14);
	EQUAL("TC1 = 255 is the minimum: 12 etu in T=0", iso7816CharacterEtu(255, 0), 12);
	EQUAL("TC1 = 255 is the minimum: 11 etu in T=1", iso7816CharacterEtu(255, 1), 11);
	EQUAL("TC1 = 2: two idle etu after the UART's 12-etu 8E2 frame", iso7816ExtraGuardEtu(2), 2);
	EQUAL("TC1 = 255: no idle etu", iso7816ExtraGuardEtu(255), 0);
}

static void activation(void)
{
	Iso7816Activation a;
	iso7816Activation(MHZ4, 1000, 0, &a);
	EQUAL("CLK starts once VCC has settled", a.clockOnUs, 1000);
	EQUAL("I/O in reception before RST rises", a.ioReceiveUs <= a.resetHighUs, 1);
	EQUAL("RST rises 400 cycles (100 µs at 4 MHz) after CLK", a.resetHighUs, 1100);
	EQUAL("the ATR is not expected before 400 cycles after RST", a.atrEarliestUs, 1200);
	EQUAL("the ATR is due within 40 000 cycles (10 ms at 4 MHz) after RST", a.atrLatestUs, 11100);
	iso7816Activation(MHZ3_57, 0, 50, &a);
	EQUAL("at 3.5712 MHz 400 cycles round up to 113 µs, plus the margin", a.resetHighUs, 163);
	EQUAL("at 3.5712 MHz the ATR window closes 11 201 µs after RST", a.atrLatestUs - a.resetHighUs, 11201);
	check(a.atrEarliestUs - a.resetHighUs <= 112, "the earliest ATR time rounds down (never refuses an early-but-legal card)", "got %lld, want <= %lld", a.atrEarliestUs - a.resetHighUs, 112);
}

static void echo(void)
{
	Iso7816Echo e;
	iso7816EchoReset(&e);
	const uint8_t header[5] = { 0xa0, 0xa4, 0x00, 0x00, 0x02 };
	EQUAL("the header's 5 bytes are noted", iso7816EchoSent(&e, header, 5), 5);
	/* the line returns our 5 bytes, then the card's procedure byte A4 */
	uint8_t line[6] = { 0xa0, 0xa4, 0x00, 0x00, 0x02, 0xa4 };
	Iso7816EchoResult r;
	size_t kept = iso7816EchoFilter(&e, line, sizeof(line), &r);
	EQUAL("the echo is dropped and the card's byte kept", kept, 1);
	EQUAL("... and that byte is the procedure byte", line[0], 0xa4);
	EQUAL("... with no trouble", r, kIso7816CardByte);
	EQUAL("... and no echo owed", iso7816EchoPending(&e), 0);
	/* an echo split over two reads */
	iso7816EchoSent(&e, header, 5);
	uint8_t first[2] = { 0xa0, 0xa4 };
	uint8_t second[4] = { 0x00, 0x00, 0x02, 0x61 };
	EQUAL("a partial echo keeps nothing", iso7816EchoFilter(&e, first, 2, &r), 0);
	EQUAL("... and three echoes are still owed", iso7816EchoPending(&e), 3);
	kept = iso7816EchoFilter(&e, second, 4, &r);
	EQUAL("the rest of the echo goes, the card's 61 stays", kept == 1 && second[0] == 0x61 && r == kIso7816CardByte, 1);
	/* a collision: the card drove the line while we sent */
	iso7816EchoSent(&e, header, 5);
	uint8_t clash[3] = { 0xa0, 0x24, 0x00 };
	kept = iso7816EchoFilter(&e, clash, 3, &r);
	EQUAL("a byte that is not our echo is a collision", r, kIso7816Collision);
	EQUAL("... nothing before it is kept", kept, 0);
	EQUAL("... the echo queue is cleared", iso7816EchoPending(&e), 0);
	EQUAL("... and the collision counted", e.collisions, 1);
	/* the card's parity error signal: our own byte comes back with a framing error */
	iso7816EchoSent(&e, header, 2);
	EQUAL("a clean echo is ours", iso7816EchoTake(&e, 0xa0, 0), kIso7816Echo);
	EQUAL("an echo with a line error asks for the byte again", iso7816EchoTake(&e, 0xa4, 1), kIso7816RepeatRequested);
	EQUAL("... counted", e.repeats, 1);
	EQUAL("a card byte with a parity error is reported as such", iso7816EchoTake(&e, 0x90, 1), kIso7816CardParity);
	EQUAL("a card byte with no echo owed is the card's", iso7816EchoTake(&e, 0x90, 0), kIso7816CardByte);
	/* a long write: the queue takes what fits, wraps around, and stays in order */
	static uint8_t many[ISO7816_ECHO_DEPTH + 40];
	for (int i = 0; i < ISO7816_ECHO_DEPTH + 40; i++) many[i] = (uint8_t)(i * 13);
	iso7816EchoReset(&e);
	iso7816EchoSent(&e, many, 10);
	for (int i = 0; i < 10; i++) iso7816EchoTake(&e, many[i], 0);
	EQUAL("a T=0 header and 255 data bytes fit the echo queue", ISO7816_ECHO_DEPTH >= 5 + 255, 1);
	EQUAL("a full queue takes ISO7816_ECHO_DEPTH bytes, no more", iso7816EchoSent(&e, many, ISO7816_ECHO_DEPTH + 40), ISO7816_ECHO_DEPTH);
	int inOrder = 1;
	for (int i = 0; i < ISO7816_ECHO_DEPTH; i++) inOrder &= iso7816EchoTake(&e, many[i], 0) == kIso7816Echo;
	EQUAL("... and gives the echoes back in order across the wrap", inOrder, 1);
}

static double nowNs(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* T=1 (ISO 7816-3 11.2): no error signal, no repetition; the block's LRC catches a bad byte */
static void echoT1(void)
{
	Iso7816Echo e;
	iso7816EchoReset(&e);
	iso7816EchoProtocol(&e, 1);
	/* an I-block: NAD PCB LEN INF LRC */
	const uint8_t block[6] = { 0x00, 0x00, 0x02, 0x90, 0x00, 0x92 };
	EQUAL("T=1: a block of 6 bytes is noted", iso7816EchoSent(&e, block, 6), 6);
	EQUAL("T=1: a flagged echo is still our byte, not a repeat request", iso7816EchoTake(&e, 0x00, 1), kIso7816Echo);
	EQUAL("... nothing counted as a repeat", e.repeats, 0);
	for (int i = 1; i < 6; i++) iso7816EchoTake(&e, block[i], 0);
	EQUAL("T=1: a card byte with a parity error is kept for the LRC to judge", iso7816EchoTake(&e, 0x40, 1), kIso7816CardByte);
	EQUAL("... counted", e.parityKept, 1);
	iso7816EchoSent(&e, block, 2);
	EQUAL("T=1: a collision is still a collision", iso7816EchoTake(&e, 0x55, 0), kIso7816Collision);
	/* a maximal block fits the echo queue at once */
	static uint8_t big[3 + 254 + 1];
	EQUAL("T=1: a 258-byte block is noted whole", iso7816EchoSent(&e, big, sizeof(big)), sizeof(big));
	iso7816EchoReset(&e);
	EQUAL("a reset goes back to T=0", iso7816EchoTake(&e, 0x90, 1), kIso7816CardParity);
}

static void bench(void)
{
	static const struct { const char* name; uint32_t clock; uint8_t ta1; } lines[] = {
		{ "4mhz_372_1", MHZ4, 0x11 }, { "4mhz_512_32", MHZ4, 0x96 }, { "3m5712_372_1", MHZ3_57, 0x11 }, { "3m5712_512_32", MHZ3_57, 0x96 },
	};
	printf("{");
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		uint16_t fi;
		uint8_t di;
		iso7816FiDi(lines[i].ta1, &fi, &di);
		uint32_t baud = iso7816Baud(lines[i].clock, fi, di);
		uint32_t divider = iso7816UartDivider16(APB, baud);
		printf("\"iso7816_%s_baud\":%u,", lines[i].name, baud);
		printf("\"iso7816_%s_etu_ns\":%u,", lines[i].name, iso7816EtuNs(lines[i].clock, fi, di));
		printf("\"iso7816_%s_character_us\":%.1f,", lines[i].name, 12.0 * iso7816EtuNs(lines[i].clock, fi, di) / 1000);
		printf("\"iso7816_%s_uart_error_ppm_80mhz\":%d,", lines[i].name, iso7816UartErrorPpm(APB, baud, divider));
		printf("\"iso7816_%s_wwt_wi10_us\":%u,", lines[i].name, iso7816WorkWaitingUs(10, fi, lines[i].clock));
		printf("\"iso7816_%s_t1_cwt_cwi13_us\":%u,", lines[i].name, iso7816CharWaitingUs(13, lines[i].clock, fi, di));
		printf("\"iso7816_%s_t1_bwt_bwi4_us\":%u,", lines[i].name, iso7816BlockWaitingUs(4, lines[i].clock, fi, di));
		/* a 255-byte READ BINARY answer plus its 5-byte header and 2 status bytes on the wire */
		printf("\"iso7816_%s_apdu_262_bytes_ms\":%.2f,", lines[i].name, 262 * 12.0 * iso7816EtuNs(lines[i].clock, fi, di) / 1e6);
	}
	Iso7816Activation a;
	iso7816Activation(MHZ4, 0, 0, &a);
	printf("\"iso7816_4mhz_rst_after_clk_us\":%u,\"iso7816_4mhz_atr_earliest_after_rst_us\":%u,\"iso7816_4mhz_atr_latest_after_rst_us\":%u,",
		a.resetHighUs - a.clockOnUs, a.atrEarliestUs - a.resetHighUs, a.atrLatestUs - a.resetHighUs);
	/* the echo filter's cost per byte, as the driver runs it on every byte received */
	static uint8_t sent[ISO7816_ECHO_DEPTH], line[ISO7816_ECHO_DEPTH + 1];
	for (int i = 0; i < ISO7816_ECHO_DEPTH; i++) sent[i] = line[i] = (uint8_t)(i * 7);
	Iso7816Echo e;
	iso7816EchoReset(&e);
	const int rounds = 200000;
	size_t kept = 0;
	double start = nowNs();
	for (int n = 0; n < rounds; n++) {
		Iso7816EchoResult r;
		iso7816EchoSent(&e, sent, ISO7816_ECHO_DEPTH);
		line[ISO7816_ECHO_DEPTH] = 0x90;
		kept += iso7816EchoFilter(&e, line, ISO7816_ECHO_DEPTH + 1, &r);
		line[0] = 0;   /* the filter moved the card byte to the front */
	}
	double perByte = (nowNs() - start) / ((double)rounds * (ISO7816_ECHO_DEPTH + 1));
	printf("\"iso7816_echo_filter_ns_per_byte\":%.2f,\"iso7816_echo_filter_kept\":%zu}\n", perByte, kept);
}

int main(int argc, char** argv)
{
	if (argc > 1 && !strcmp(argv[1], "--bench")) {
		bench();
		return 0;
	}
	rates();
	waits();
	guard();
	activation();
	echo();
	echoT1();
	printf("%d passed, %d failed\n", gPassed, gFailed);
	return gFailed ? 1 : 0;
}
