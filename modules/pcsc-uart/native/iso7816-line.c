/*
 * The ISO 7816-3 line's arithmetic and echo bookkeeping (iso7816-line.h says what each part is
 * for). Integer arithmetic only, in 64 bits where a product can pass 2^32: the ESP32 has no FPU
 * for doubles, and a driver must get the same figures as the sim host's tests.
 */
#include "iso7816-line.h"
#include <string.h>

static const uint16_t gFi[16] = { 372, 372, 558, 744, 1116, 1488, 1860, 0, 0, 512, 768, 1024, 1536, 2048, 0, 0 };
static const uint8_t gDi[16] = { 0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0 };

static uint32_t divideUp(uint64_t a, uint64_t b)
{
	return b ? (uint32_t)((a + b - 1) / b) : 0;
}

static uint32_t divideNearest(uint64_t a, uint64_t b)
{
	return b ? (uint32_t)((a + b / 2) / b) : 0;
}

int iso7816FiDi(uint8_t ta1, uint16_t* fi, uint8_t* di)
{
	uint16_t f = gFi[ta1 >> 4];
	uint8_t d = gDi[ta1 & 0x0f];
	if (!f || !d) return 0;
	*fi = f;
	*di = d;
	return 1;
}

uint32_t iso7816Baud(uint32_t clockHz, uint16_t fi, uint8_t di)
{
	return divideNearest((uint64_t)clockHz * di, fi);
}

uint32_t iso7816EtuNs(uint32_t clockHz, uint16_t fi, uint8_t di)
{
	return divideUp((uint64_t)fi * 1000000000u, (uint64_t)di * clockHz);
}

uint32_t iso7816UartDivider16(uint32_t sourceHz, uint32_t baud)
{
	return divideNearest((uint64_t)sourceHz * 16, baud);
}

int32_t iso7816UartErrorPpm(uint32_t sourceHz, uint32_t baud, uint32_t divider16)
{
	if (!baud || !divider16) return 0;
	/* actual = source × 16 / divider16; error = actual / baud − 1 */
	int64_t actualTimesDivider = (int64_t)sourceHz * 16 * 1000000;
	int64_t wanted = (int64_t)baud * divider16;
	return (int32_t)((actualTimesDivider - wanted * 1000000) / wanted);
}

uint32_t iso7816WorkWaitingUs(uint8_t wi, uint16_t fi, uint32_t clockHz)
{
	if (!wi) wi = ISO7816_WI_DEFAULT;
	return divideUp((uint64_t)960 * wi * fi * 1000000u, clockHz);
}

uint32_t iso7816CharWaitingUs(uint8_t cwi, uint32_t clockHz, uint16_t fi, uint8_t di)
{
	uint64_t etus = 11 + ((uint64_t)1 << (cwi & 0x0f));
	return divideUp(etus * fi * 1000000u, (uint64_t)di * clockHz);
}

uint32_t iso7816BlockWaitingUs(uint8_t bwi, uint32_t clockHz, uint16_t fi, uint8_t di)
{
	/* 11 etu, plus 2^BWI × 960 × 372 clock cycles (Fd = 372 whatever Fi is) */
	uint64_t elevenEtu = (uint64_t)11 * fi * 1000000u;   /* in µs × Di × f */
	uint64_t cycles = ((uint64_t)1 << (bwi & 0x0f)) * 960 * 372;
	return divideUp(elevenEtu + cycles * 1000000u * di, (uint64_t)di * clockHz);
}

uint32_t iso7816CharacterEtu(uint8_t n, int protocolT1)
{
	if (n == 255) return protocolT1 ? 11 : 12;
	return ISO7816_CHARACTER_ETU + n;
}

uint32_t iso7816ExtraGuardEtu(uint8_t n)
{
	return n == 255 ? 0 : n;
}

uint32_t iso7816CyclesUs(uint32_t cycles, uint32_t clockHz)
{
	return divideUp((uint64_t)cycles * 1000000u, clockHz);
}

void iso7816Activation(uint32_t clockHz, uint32_t vccSettleUs, uint32_t marginUs, Iso7816Activation* out)
{
	out->clockOnUs = vccSettleUs;
	/* I/O goes to reception with CLK running, well before RST (within 200 cycles of CLK per 6.2.2) */
	out->ioReceiveUs = out->clockOnUs;
	out->resetHighUs = out->clockOnUs + iso7816CyclesUs(ISO7816_RST_LOW_CYCLES, clockHz) + marginUs;
	/* the card's window is counted from RST's rise, so the earliest is rounded down, the latest up */
	out->atrEarliestUs = out->resetHighUs + (uint32_t)((uint64_t)ISO7816_ATR_EARLIEST_CYCLES * 1000000u / clockHz);
	out->atrLatestUs = out->resetHighUs + iso7816CyclesUs(ISO7816_ATR_LATEST_CYCLES, clockHz);
}

/* ---- echo ---- */

void iso7816EchoReset(Iso7816Echo* echo)
{
	memset(echo, 0, sizeof(*echo));
}

void iso7816EchoProtocol(Iso7816Echo* echo, int protocolT1)
{
	echo->protocolT1 = protocolT1 ? 1 : 0;
}

size_t iso7816EchoSent(Iso7816Echo* echo, const uint8_t* bytes, size_t length)
{
	size_t room = ISO7816_ECHO_DEPTH - echo->count;
	if (length > room) length = room;
	for (size_t i = 0; i < length; i++)
		echo->expected[(echo->head + echo->count + i) % ISO7816_ECHO_DEPTH] = bytes[i];
	echo->count += (uint16_t)length;
	return length;
}

Iso7816EchoResult iso7816EchoTake(Iso7816Echo* echo, uint8_t byte, int lineError)
{
	if (!echo->count) {
		if (!lineError) return kIso7816CardByte;
		if (!echo->protocolT1) return kIso7816CardParity;
		echo->parityKept++;
		return kIso7816CardByte;
	}
	uint8_t expected = echo->expected[echo->head];
	echo->head = (echo->head + 1) % ISO7816_ECHO_DEPTH;
	echo->count--;
	if (byte != expected) {
		/* the card talked over us: nothing after this can be matched up */
		echo->collisions++;
		echo->head = 0;
		echo->count = 0;
		return kIso7816Collision;
	}
	if (lineError && !echo->protocolT1) {
		/* our byte, with the card's error signal in its guard time: it will be sent again, so
		   the bytes queued after it are the driver's to note again too */
		echo->repeats++;
		echo->head = 0;
		echo->count = 0;
		return kIso7816RepeatRequested;
	}
	echo->dropped++;
	return kIso7816Echo;
}

size_t iso7816EchoFilter(Iso7816Echo* echo, uint8_t* bytes, size_t length, Iso7816EchoResult* result)
{
	size_t kept = 0;
	*result = kIso7816CardByte;
	for (size_t i = 0; i < length; i++) {
		Iso7816EchoResult r = iso7816EchoTake(echo, bytes[i], 0);
		if (r == kIso7816CardByte) bytes[kept++] = bytes[i];
		else if (r != kIso7816Echo) {
			*result = r;
			break;
		}
	}
	return kept;
}

size_t iso7816EchoPending(const Iso7816Echo* echo)
{
	return echo->count;
}
