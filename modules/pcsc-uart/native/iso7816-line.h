/*
 * The ISO 7816-3 line's host-independent arithmetic and bookkeeping, for a UART driver that talks
 * to a card directly (hosts/esp32's): rates from F, D and the card clock, the waiting and guard
 * times, the activation timeline, and the echo of a one-wire I/O line. No IO, no allocation, no
 * clock: the driver gives bytes and times, this core says what they mean. The sim host compiles
 * it and tests it (tools/iso7816-line-test.c, run by npm test).
 *
 * Units: clocks in Hz, times in microseconds (rounded up: a wait is never shorter than ISO's),
 * rates in bit/s (rounded to nearest). etu = Fi / (Di × f) seconds, "F/D clock cycles".
 */
#ifndef MODULES_PCSC_UART_ISO7816_LINE_H
#define MODULES_PCSC_UART_ISO7816_LINE_H
#include <stddef.h>
#include <stdint.h>

#define ISO7816_FI_DEFAULT 372
#define ISO7816_DI_DEFAULT 1
#define ISO7816_WI_DEFAULT 10
/* a character on the line: start, 8 data bits, parity, and 2 etu of guard time (the UART's 8E2) */
#define ISO7816_CHARACTER_ETU 12

/* Fi and Di of a TA1 byte (ISO 7816-3 tables 7 and 8); 0 when either is reserved (RFU). */
int iso7816FiDi(uint8_t ta1, uint16_t* fi, uint8_t* di);

/* The line's rate: f × D / F, rounded. 4 MHz at 372/1 gives 10 753; at 512/32, 250 000. */
uint32_t iso7816Baud(uint32_t clockHz, uint16_t fi, uint8_t di);

/* One etu in nanoseconds, rounded up (for guard and waiting times finer than a microsecond). */
uint32_t iso7816EtuNs(uint32_t clockHz, uint16_t fi, uint8_t di);

/* The divider a UART clocked at sourceHz needs for this line, in 1/16ths (the ESP32's fractional
   divider), and the rate error it leaves in parts per million (signed: positive = UART faster).
   A card tolerates a few percent; with the card clock derived from the same source it is exact. */
uint32_t iso7816UartDivider16(uint32_t sourceHz, uint32_t baud);
int32_t iso7816UartErrorPpm(uint32_t sourceHz, uint32_t baud, uint32_t divider16);

/* T=0 work waiting time: 960 × WI × Fi / f (ISO 7816-3 10.2); WI = 0 is invalid, treated as 10. */
uint32_t iso7816WorkWaitingUs(uint8_t wi, uint16_t fi, uint32_t clockHz);

/* T=1 character waiting time: (11 + 2^CWI) etu, and block waiting time:
   11 etu + 2^BWI × 960 × 372 / f (ISO 7816-3 11.4.3), from TB3's CWI (low nibble) and BWI (high). */
uint32_t iso7816CharWaitingUs(uint8_t cwi, uint32_t clockHz, uint16_t fi, uint8_t di);
uint32_t iso7816BlockWaitingUs(uint8_t bwi, uint32_t clockHz, uint16_t fi, uint8_t di);

/* Guard time. TC1 = N asks for N extra etu after each character the terminal sends: 12 + N etu
   from one start bit to the next. N = 255 means the minimum: 12 etu in T=0, 11 in T=1.
   The UART's 8E2 frame already is 12 etu, so what the driver adds as idle bits between characters
   is iso7816ExtraGuardEtu (0 for N = 255; a T=1 11-etu spacing is finer than a 2-stop-bit UART). */
uint32_t iso7816CharacterEtu(uint8_t n, int protocolT1);
uint32_t iso7816ExtraGuardEtu(uint8_t n);

/*
 * The activation of ISO 7816-3 6.2.2, as a timeline from VCC on, in microseconds: VCC, then CLK
 * once VCC is stable, then I/O in reception, then RST released high at least 400 clock cycles
 * after CLK starts; the card's first ATR byte comes 400 to 40 000 clock cycles after RST goes high.
 * vccSettleUs is the board's (the time its supply takes to be stable).
 */
typedef struct {
	uint32_t clockOnUs;      /* CLK starts */
	uint32_t ioReceiveUs;    /* I/O set to reception (pulled high), before RST rises */
	uint32_t resetHighUs;    /* RST released high: CLK start + 400 cycles, rounded up, + margin */
	uint32_t atrEarliestUs;  /* first ATR byte not before: RST high + 400 cycles */
	uint32_t atrLatestUs;    /* ... and not after: RST high + 40 000 cycles (then: no card, or mute) */
} Iso7816Activation;

#define ISO7816_RST_LOW_CYCLES 400
#define ISO7816_ATR_EARLIEST_CYCLES 400
#define ISO7816_ATR_LATEST_CYCLES 40000

void iso7816Activation(uint32_t clockHz, uint32_t vccSettleUs, uint32_t marginUs, Iso7816Activation* out);

/* Microseconds for a number of card clock cycles, rounded up. */
uint32_t iso7816CyclesUs(uint32_t cycles, uint32_t clockHz);

/*
 * Echo of a one-wire I/O line: with TX (open drain) and RX on the same pin, every byte the
 * terminal sends is also received. The driver notes what it sent (iso7816EchoSent) and passes
 * every received byte through iso7816EchoTake, which says whether it is the echo (drop it), a byte
 * from the card, or trouble: a received byte that differs from the echo expected means the card
 * drove the line while we sent (a collision), and an echo received with a framing or parity error
 * means the card signalled a parity error in the guard time (T=0: the byte must be sent again).
 * Under T=1 (iso7816EchoProtocol) nobody signals parity in the guard time and no character is
 * repeated (ISO 7816-3 11.2): a flagged echo is still our byte (dropped), and a flagged card byte
 * is kept, for the block's LRC to fail and T=1 to ask for the block again (11.6).
 */
#ifndef ISO7816_ECHO_DEPTH
	/* the longest write a T=0 exchange makes: a 5-byte header, then up to 255 data bytes; a T=1
	   block is at most 3 + 254 + 1 bytes */
	#define ISO7816_ECHO_DEPTH 272
#endif

typedef struct {
	uint8_t expected[ISO7816_ECHO_DEPTH];
	uint16_t head;
	uint16_t count;
	uint32_t collisions;
	uint32_t repeats;
	uint32_t dropped;
	/* T=1: parity-flagged bytes passed on rather than failing the line */
	uint32_t parityKept;
	uint8_t protocolT1;
} Iso7816Echo;

typedef enum {
	kIso7816CardByte = 0,     /* a byte from the card: keep it */
	kIso7816Echo,             /* our own byte come back: drop it */
	kIso7816Collision,        /* not the byte we sent: the echo queue is cleared, fail the exchange */
	kIso7816RepeatRequested,  /* our byte came back with an error signal: send it again (T=0) */
	kIso7816CardParity,       /* a byte from the card with a parity or framing error */
} Iso7816EchoResult;

/* Clears everything, back to T=0 (as after a reset: the ATR and PPS follow T=0's character rules). */
void iso7816EchoReset(Iso7816Echo* echo);
/* The protocol PPS settled on: 1 for T=1, 0 for T=0. */
void iso7816EchoProtocol(Iso7816Echo* echo, int protocolT1);
/* Notes bytes written; returns how many fit (the rest must wait until their echoes are taken). */
size_t iso7816EchoSent(Iso7816Echo* echo, const uint8_t* bytes, size_t length);
/* lineError: the UART flagged this byte (parity or framing error). */
Iso7816EchoResult iso7816EchoTake(Iso7816Echo* echo, uint8_t byte, int lineError);
/* Filters a buffer in place: keeps card bytes, drops echoes; stops at the first collision or
   repeat request and returns it through *result (else kIso7816CardByte). Returns bytes kept. */
size_t iso7816EchoFilter(Iso7816Echo* echo, uint8_t* bytes, size_t length, Iso7816EchoResult* result);
/* Echoes still owed: while non-zero, a received byte may still be ours. */
size_t iso7816EchoPending(const Iso7816Echo* echo);

#endif
