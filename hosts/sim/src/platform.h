/* Internal to the xsdm core (not for native parts: those use sim.h). */
#ifndef XSDM_PLATFORM_H
#define XSDM_PLATFORM_H
void simSetRoot(const char* exePath);
const char* simRoot(void);
extern volatile int simPromiseJobsPending;
void simRunLoop(xsMachine* the);
void simInstallGlobals(xsMachine* the);
void simArmHeapLimit(void);
void simResetAllocated(void);
#endif
