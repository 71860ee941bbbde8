/*
 * The card's ISO 7816-3 line on an ESP32, for XS: the ECMA-419 serial shape the sim host's
 * embedded:io/serial gives modules/pcsc-uart/link.ts (read/write, onReadable/onError, set({ baud }),
 * setReset), on ESP-IDF's UART driver. The SDK's own serial is 8N1 only; a card needs:
 *   - 8 data bits, even parity, 2 stop bits (the 2 stop bits are the 2 etu of guard time);
 *   - its clock from LEDC: 80 MHz APB / 20 = 4 MHz with a 1-bit duty (a square wave);
 *   - VCC and RST on GPIOs, in the activation order of ISO 7816-3 6.2.2 (VCC, CLK, I/O in
 *     reception, RST high at least 400 clock cycles after CLK) and the reverse on close;
 *   - one wire for I/O: TX and RX on the same pin, open drain with a pull-up, so every byte sent
 *     comes back and is dropped here; a byte that is not the echo is a collision;
 *   - the baud set again after PPS (set({ baud })) and TC1's extra guard time (set({ guard })).
 * The arithmetic and the echo bookkeeping are modules/pcsc-uart/native/iso7816-line.c, which the
 * sim host compiles and tests. This file is only the ESP-IDF wiring; it is not compiled by npm test
 * (no ESP-IDF there): build it with the Moddable SDK for esp32.
 *
 * Threads: a FreeRTOS task waits on the UART driver's event queue and posts to the XS machine;
 * every XS call happens in the machine's own task (modMessagePostToMachine).
 */
#include "xsmc.h"
#include "xsHost.h"
#include "iso7816-line.h"

#include <string.h>
#include "driver/gpio.h"
#include "driver/ledc.h"
#include "driver/uart.h"
#include "esp_rom_sys.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"

#ifndef MODDEF_ISO7816_CLOCK_HZ
	#define MODDEF_ISO7816_CLOCK_HZ (4000000)	/* APB 80 MHz / 20 */
#endif
#ifndef MODDEF_ISO7816_VCC_SETTLE_US
	#define MODDEF_ISO7816_VCC_SETTLE_US (1000)	/* the board's supply rise time, with margin */
#endif
#define ISO7816_UART_RX_RING (512)
#define ISO7816_RX_HELD (272)			/* card bytes waiting for read(): a 256-byte answer and more */
#define ISO7816_EVENT_QUEUE (16)

typedef struct {
	xsMachine* the;
	xsSlot obj;
	uart_port_t port;
	gpio_num_t io, clk, rst, vcc;
	uint8_t vccActiveLow;
	uint8_t powered;
	uint8_t closing;
	uint8_t lineError;		/* the UART flagged a parity or framing error since the last read */
	uint8_t failed;			/* a collision: reported once through onError */
	volatile uint8_t taskDone;	/* the event task has ended */
	volatile uint32_t inFlight;	/* deliveries posted and not yet run: the memory lives until they have */
	int64_t clockStartUs;
	QueueHandle_t events;
	TaskHandle_t task;
	Iso7816Echo echo;
	Iso7816Activation activation;
	uint16_t held;
	uint8_t rx[ISO7816_RX_HELD];
} Iso7816Serial;

/* Native("xs_iso7816_serial_destructor") (serial.ts) names this destructor; the constructor then
   installs the hooks the other calls validate against. */
void xs_iso7816_serial_destructor(void* data);
const xsHostHooks xsIso7816SerialHooks = { xs_iso7816_serial_destructor, NULL, NULL };

static Iso7816Serial* getSerial(xsMachine* the)
{
	Iso7816Serial* serial = xsmcGetHostDataValidate(xsThis, (void*)&xsIso7816SerialHooks);
	if (!serial) xsUnknownError("card line closed: open it again");
	return serial;
}

/* ---- activation and deactivation (ISO 7816-3 6.2.2 and 6.4) ---- */

static void setVcc(Iso7816Serial* serial, int on)
{
	gpio_set_level(serial->vcc, (on ? 1 : 0) ^ serial->vccActiveLow);
}

static esp_err_t startClock(Iso7816Serial* serial)
{
	ledc_timer_config_t timer = {
		.speed_mode = LEDC_LOW_SPEED_MODE,
		.duty_resolution = LEDC_TIMER_1_BIT,
		.timer_num = LEDC_TIMER_0,
		.freq_hz = MODDEF_ISO7816_CLOCK_HZ,
		.clk_cfg = LEDC_USE_APB_CLK,
	};
	esp_err_t err = ledc_timer_config(&timer);
	if (err) return err;
	ledc_channel_config_t channel = {
		.gpio_num = serial->clk,
		.speed_mode = LEDC_LOW_SPEED_MODE,
		.channel = LEDC_CHANNEL_0,
		.timer_sel = LEDC_TIMER_0,
		.duty = 1,		/* half of the 2 steps a 1-bit resolution has: a square wave */
		.hpoint = 0,
	};
	err = ledc_channel_config(&channel);
	if (!err) serial->clockStartUs = esp_timer_get_time();
	return err;
}

/* VCC, then CLK, with I/O already in reception (the UART's RX, pulled up) and RST held low. */
static esp_err_t activate(Iso7816Serial* serial)
{
	gpio_set_level(serial->rst, 0);
	setVcc(serial, 1);
	esp_rom_delay_us(serial->activation.clockOnUs);
	uart_flush_input(serial->port);
	iso7816EchoReset(&serial->echo);
	serial->held = 0;
	esp_err_t err = startClock(serial);
	if (!err) serial->powered = 1;
	return err;
}

/* RST low, CLK stopped low, I/O low, VCC off: the order of 6.4. */
static void deactivate(Iso7816Serial* serial)
{
	if (!serial->powered) return;
	gpio_set_level(serial->rst, 0);
	ledc_stop(LEDC_LOW_SPEED_MODE, LEDC_CHANNEL_0, 0);
	uart_wait_tx_done(serial->port, pdMS_TO_TICKS(20));
	setVcc(serial, 0);
	serial->powered = 0;
}

/* ---- the event task and delivery in the XS task ---- */

static void releaseIfDone(Iso7816Serial* serial)
{
	if (serial->closing && serial->taskDone && !__atomic_load_n(&serial->inFlight, __ATOMIC_SEQ_CST)) free(serial);
}

static void deliverRecord(xsMachine* the, Iso7816Serial* serial);

static void deliver(void* theIn, void* refcon, uint8_t* message, uint16_t messageLength)
{
	Iso7816Serial* serial = refcon;
	__atomic_sub_fetch(&serial->inFlight, 1, __ATOMIC_SEQ_CST);
	if (serial->closing) {
		releaseIfDone(serial);
		return;
	}
	deliverRecord(theIn, serial);
}

static void deliverRecord(xsMachine* the, Iso7816Serial* serial)
{
	uint8_t scratch[64];
	size_t waiting = 0;
	int collision = 0;
	uart_get_buffered_data_len(serial->port, &waiting);
	while (waiting && (serial->held < ISO7816_RX_HELD) && !collision) {
		size_t want = waiting < sizeof(scratch) ? waiting : sizeof(scratch);
		int got = uart_read_bytes(serial->port, scratch, want, 0);
		if (got <= 0) break;
		waiting -= (size_t)got;
		for (int i = 0; i < got; i++) {
			/* the error event cannot say which byte it was; it goes with the first byte read after it */
			Iso7816EchoResult r = iso7816EchoTake(&serial->echo, scratch[i], serial->lineError);
			serial->lineError = 0;
			if ((r == kIso7816CardByte) && (serial->held < ISO7816_RX_HELD)) serial->rx[serial->held++] = scratch[i];
			else if ((r == kIso7816Collision) || (r == kIso7816RepeatRequested) || (r == kIso7816CardParity)) {
				/* T=0 character repetition is not done here: the link fails the exchange and resets
				   (under T=1 the core passes flagged card bytes on: only a collision gets here) */
				collision = 1;
				break;
			}
		}
	}
	xsBeginHost(the);
	{
		xsmcVars(2);
		if (collision && !serial->failed) {
			serial->failed = 1;
			xsmcGet(xsVar(0), serial->obj, xsID("onError"));
			if (xsmcTest(xsVar(0))) xsCallFunction0(xsVar(0), serial->obj);
		}
		else if (serial->held) {
			xsmcGet(xsVar(0), serial->obj, xsID("onReadable"));
			xsmcSetInteger(xsVar(1), serial->held);
			if (xsmcTest(xsVar(0))) xsCallFunction1(xsVar(0), serial->obj, xsVar(1));
		}
	}
	xsEndHost(the);
}

static void eventTask(void* refcon)
{
	Iso7816Serial* serial = refcon;
	uart_event_t event;
	for (;;) {
		if (!xQueueReceive(serial->events, &event, portMAX_DELAY)) continue;
		if (serial->closing) break;
		if ((event.type == UART_PARITY_ERR) || (event.type == UART_FRAME_ERR)) serial->lineError = 1;
		else if ((event.type == UART_FIFO_OVF) || (event.type == UART_BUFFER_FULL)) uart_flush_input(serial->port);
		if (event.type == UART_DATA || event.type == UART_FIFO_OVF || event.type == UART_BUFFER_FULL) {
			__atomic_add_fetch(&serial->inFlight, 1, __ATOMIC_SEQ_CST);
			if (modMessagePostToMachine(serial->the, NULL, 0, deliver, serial)) __atomic_sub_fetch(&serial->inFlight, 1, __ATOMIC_SEQ_CST);
		}
	}
	serial->taskDone = 1;
	vTaskDelete(NULL);
}

/* ---- construction ---- */

static int pinOption(xsMachine* the, const char* name)
{
	xsmcGet(xsVar(0), xsArg(0), xsID((char*)name));
	if (!xsmcTest(xsVar(0))) xsRangeError("%s pin required (the card socket's wiring, docs/hil.md)", name);
	int pin = xsmcToInteger(xsVar(0));
	if (!GPIO_IS_VALID_GPIO(pin)) xsRangeError("%s: %d is not a GPIO of this chip", name, pin);
	return pin;
}

/* Runs in the XS task. The event task is stopped first (it may be posting); deliveries already
   posted run later and find the record closing: the last of them frees it. */
static void freeSerial(Iso7816Serial* serial)
{
	serial->closing = 1;
	deactivate(serial);
	if (serial->task) {
		uart_event_t stop = { .type = UART_EVENT_MAX };
		xQueueSend(serial->events, &stop, portMAX_DELAY);	/* wakes the task, which sees closing and ends */
		for (int i = 0; (i < 100) && !serial->taskDone; i++) vTaskDelay(1);
	}
	else serial->taskDone = 1;
	uart_driver_delete(serial->port);
	releaseIfDone(serial);
}

void xs_iso7816_serial_destructor(void* data)
{
	if (data) freeSerial(data);
}

/* constructor({ port?, io, clock, reset, vcc, vccActiveLow?, baud?, onReadable, onError }) */
void xs_iso7816_serial_constructor(xsMachine* the)
{
	xsmcVars(1);
	if ((xsmcArgc < 1) || (xsmcTypeOf(xsArg(0)) != xsReferenceType)) xsTypeError("options required: { io, clock, reset, vcc }");
	int io = pinOption(the, "io"), clk = pinOption(the, "clock"), rst = pinOption(the, "reset"), vcc = pinOption(the, "vcc");
	xsmcGet(xsVar(0), xsArg(0), xsID("port"));
	int port = xsmcTest(xsVar(0)) ? xsmcToInteger(xsVar(0)) : 1;
	if ((port < 0) || (port >= UART_NUM_MAX)) xsRangeError("port: 0..%d, not %d", UART_NUM_MAX - 1, port);
	xsmcGet(xsVar(0), xsArg(0), xsID("baud"));
	int baud = xsmcTest(xsVar(0)) ? xsmcToInteger(xsVar(0)) : (int)iso7816Baud(MODDEF_ISO7816_CLOCK_HZ, ISO7816_FI_DEFAULT, ISO7816_DI_DEFAULT);
	if (baud <= 0) xsRangeError("baud must be positive");

	Iso7816Serial* serial = calloc(1, sizeof(Iso7816Serial));
	if (!serial) xsUnknownError("no memory for the card line");
	serial->the = the;
	serial->port = (uart_port_t)port;
	serial->io = io;
	serial->clk = clk;
	serial->rst = rst;
	serial->vcc = vcc;
	xsmcGet(xsVar(0), xsArg(0), xsID("vccActiveLow"));
	serial->vccActiveLow = xsmcTest(xsVar(0)) ? 1 : 0;
	iso7816Activation(MODDEF_ISO7816_CLOCK_HZ, MODDEF_ISO7816_VCC_SETTLE_US, 10, &serial->activation);

	/* RST and VCC: outputs, card unpowered and held in reset until the link resets it */
	gpio_reset_pin(rst);
	gpio_set_direction(rst, GPIO_MODE_OUTPUT);
	gpio_set_level(rst, 0);
	gpio_reset_pin(vcc);
	gpio_set_direction(vcc, GPIO_MODE_OUTPUT);
	setVcc(serial, 0);

	uart_config_t config = {
		.baud_rate = baud,
		.data_bits = UART_DATA_8_BITS,
		.parity = UART_PARITY_EVEN,
		.stop_bits = UART_STOP_BITS_2,
		.flow_ctrl = UART_HW_FLOWCTRL_DISABLE,
		.source_clk = UART_SCLK_APB,	/* the LEDC card clock's source too: the divider is exact */
	};
	esp_err_t err = uart_driver_install(serial->port, ISO7816_UART_RX_RING, 0, ISO7816_EVENT_QUEUE, &serial->events, 0);
	if (!err) err = uart_param_config(serial->port, &config);
	/* one wire: TX and RX on the I/O pin (the driver routes both through the GPIO matrix), made
	   open drain with the pull-up the card's I/O needs, so the card can pull it low too */
	if (!err) err = uart_set_pin(serial->port, io, io, UART_PIN_NO_CHANGE, UART_PIN_NO_CHANGE);
	if (!err) err = gpio_od_enable(io);
	if (!err) err = gpio_pullup_en(io);
	if (!err && (xTaskCreate(eventTask, "iso7816", 3072, serial, 10, &serial->task) != pdPASS)) err = ESP_ERR_NO_MEM;
	if (err) {
		freeSerial(serial);
		xsUnknownError("card line setup failed: check the pins and that UART %d is free (ESP error %d)", port, (int)err);
	}
	serial->obj = xsThis;
	xsRemember(serial->obj);
	xsmcSetHostData(xsThis, serial);
	xsSetHostHooks(xsThis, (xsHostHooks*)&xsIso7816SerialHooks);
}

/* set({ baud?, guard?, protocol? }): the rate after PPS, TC1's extra guard time N in etu (255:
   none), and the protocol PPS chose: under T=1 a parity error fails no byte (the block's LRC
   does, and T=1 asks again) and no character is repeated. The 8E2 frame's 12 etu meets T=1's
   11-etu character guard time; the block guard time (22 etu between the card's last byte and
   our next block) is left to the time XS takes to answer, far longer at 250 kbit/s. */
void xs_iso7816_serial_set(xsMachine* the)
{
	Iso7816Serial* serial = getSerial(the);
	xsmcVars(1);
	xsmcGet(xsVar(0), xsArg(0), xsID("baud"));
	if (xsmcTest(xsVar(0))) {
		int baud = xsmcToInteger(xsVar(0));
		if (baud <= 0) xsRangeError("baud must be positive");
		uart_wait_tx_done(serial->port, pdMS_TO_TICKS(50));	/* the PPS answer has been heard */
		if (uart_set_baudrate(serial->port, (uint32_t)baud)) xsUnknownError("cannot set %d baud", baud);
	}
	xsmcGet(xsVar(0), xsArg(0), xsID("guard"));
	if (xsmcTest(xsVar(0))) {
		int n = xsmcToInteger(xsVar(0));
		if ((n < 0) || (n > 255)) xsRangeError("guard: TC1, 0..255, not %d", n);
		if (uart_set_tx_idle_num(serial->port, (uint16_t)iso7816ExtraGuardEtu((uint8_t)n))) xsUnknownError("cannot set the guard time");
	}
	xsmcGet(xsVar(0), xsArg(0), xsID("protocol"));
	if (xsmcTypeOf(xsVar(0)) != xsUndefinedType) {
		int t = xsmcToInteger(xsVar(0));
		if ((t != 0) && (t != 1)) xsRangeError("protocol: T=0 or T=1, not %d", t);
		iso7816EchoProtocol(&serial->echo, t);
	}
}

/* setReset(asserted): true drives RST low (powering the card first: VCC, CLK, I/O); false releases
   it high, no sooner than 400 clock cycles after CLK started. */
void xs_iso7816_serial_set_reset(xsMachine* the)
{
	Iso7816Serial* serial = getSerial(the);
	if (xsmcToBoolean(xsArg(0))) {
		if (!serial->powered) {
			esp_err_t err = activate(serial);
			if (err) xsUnknownError("card clock failed to start: check the clock pin (ESP error %d)", (int)err);
		}
		gpio_set_level(serial->rst, 0);
		serial->failed = 0;
		return;
	}
	if (!serial->powered) xsUnknownError("card not powered: assert reset first (setReset(true))");
	int64_t due = serial->clockStartUs + (int64_t)(serial->activation.resetHighUs - serial->activation.clockOnUs);
	int64_t now = esp_timer_get_time();
	if (now < due) esp_rom_delay_us((uint32_t)(due - now));
	iso7816EchoReset(&serial->echo);
	serial->held = 0;
	gpio_set_level(serial->rst, 1);
}

/* read(count?) → the card's bytes (echo removed), or undefined when none wait */
void xs_iso7816_serial_read(xsMachine* the)
{
	Iso7816Serial* serial = getSerial(the);
	uint32_t count = serial->held;
	if ((xsmcArgc > 0) && xsmcTest(xsArg(0))) {
		int wanted = xsmcToInteger(xsArg(0));
		if (wanted < 0) xsRangeError("negative count");
		if ((uint32_t)wanted < count) count = (uint32_t)wanted;
	}
	if (!count) return;
	xsmcSetArrayBuffer(xsResult, serial->rx, count);
	memmove(serial->rx, serial->rx + count, serial->held - count);
	serial->held -= count;
}

/* write(bytes): notes the echo to come, then queues the bytes for the UART */
void xs_iso7816_serial_write(xsMachine* the)
{
	Iso7816Serial* serial = getSerial(the);
	if (!serial->powered) xsUnknownError("card not powered: reset it first");
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (length > ISO7816_ECHO_DEPTH - iso7816EchoPending(&serial->echo))
		xsUnknownError("would block: %u bytes is more than the line takes before its echo returns", (unsigned)length);
	iso7816EchoSent(&serial->echo, data, length);
	if (uart_write_bytes(serial->port, data, length) != (int)length) xsUnknownError("card line write failed");
}

void xs_iso7816_serial_close(xsMachine* the)
{
	Iso7816Serial* serial = xsmcGetHostDataValidate(xsThis, (void*)&xsIso7816SerialHooks);
	if (!serial) return;
	xsForget(serial->obj);
	xsmcSetHostData(xsThis, NULL);
	freeSerial(serial);
}
